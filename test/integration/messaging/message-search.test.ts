/**
 * Message search through the main-process core, on a real server: a physician writes to a nurse
 * about a patient; the nurse's `search.messages` finds the messages by their words, the thread's
 * subject and its patient label, with the conversation, sender, time and a marked extract. A
 * recalled message is never found, nor one past its expiry (by the nurse's clock, before any
 * sweep). Every search is `search.performed` on the workstation's trail with the number of
 * results only (none is a number too); a search that cannot be recorded shows nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../../shared/ipc/search-channels';
import { tap, type Tap } from '../../support/audit-tap';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

const nurse = account('nurse.adams', 'nurse', 'Philippa Adams', 'Ward 7B', 'Staff Nurse');
const doctor = account('dr.okafor', 'physician', 'Chidinma Okafor', 'Cardiology', 'Consultant');

let server: TestServer;
let ward: Workstation;
let office: Workstation;
let wardTap: Tap;
/** The nurse's clock: real time plus however far a test moves it on. */
let ahead = 0;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint, { now: () => Date.now() + ahead });
  office = createWorkstation(server.endpoint);
  // The nurse first, so her keys are published before the physician writes.
  await signIn(ward, nurse);
  await signIn(office, doctor);
  wardTap = await tap(ward);
}, 60_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

let conversationId = '';
const sentIds: Record<string, string> = {};

async function send(key: string, text: string, extra: { expiresInSeconds?: number } = {}): Promise<void> {
  const sent = await office.call(
    'message.send',
    conversationId === ''
      ? {
          to: [{ kind: 'user', userId: nurse.userId }],
          title: 'Overnight electrolytes',
          patient: { ref: 'pat-KX7Q21', label: 'Bartholomew Quigley, bed 4' },
          text,
          priority: 'urgent',
          expiresInSeconds: extra.expiresInSeconds ?? null,
        }
      : { conversationId, text, priority: 'routine', expiresInSeconds: extra.expiresInSeconds ?? null },
  );
  if (!sent.ok) throw new Error(sent.error.code);
  conversationId = sent.value.conversationId;
  sentIds[key] = sent.value.messageId;
}

const search = async (query: string): Promise<SearchResult[]> => {
  const found = await ward.call('search.messages', { query });
  if (!found.ok) throw new Error(found.error.code);
  return found.value.results;
};
const found = async (query: string) => (await search(query)).map((result) => result.messageId);

describe('message search on a nurse workstation', () => {
  it('finds what a physician wrote, by its words, with who, when and the words marked', async () => {
    await send('potassium', 'Potassium 5.9 on the repeat sample, please recheck at 18:00');
    await send('ecg', 'ECG unchanged, no peaked T waves');
    await send('recalled', 'Please give 10 units insulin now');
    await send('expiring', 'Door code for the drug room is 4471', { expiresInSeconds: 60 });
    await eventually(
      () => found('potassium'),
      (ids) => ids.length === 1,
    );

    const [result] = await search('potas');
    expect(result).toMatchObject({
      messageId: sentIds.potassium,
      conversationId,
      conversationLabel: 'Chidinma Okafor',
      subject: 'Overnight electrolytes',
      senderName: 'Chidinma Okafor',
      direction: 'in',
      priority: 'urgent',
      snippet: { field: 'body', text: 'Potassium 5.9 on the repeat sample, please recheck at 18:00' },
    });
    const snippet = result!.snippet;
    expect(snippet.matches.map(({ start, end }) => snippet.text.slice(start, end))).toEqual(['Potassium']);
    expect(result!.sentAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('finds the conversation by its subject or patient, and a patient with a word of a message', async () => {
    await eventually(
      () => found('quigley'),
      (ids) => ids.length === 1,
    );
    const [byPatient] = await search('quigley');
    // The conversation's newest message still there, marked where the patient is named.
    expect(byPatient?.snippet).toEqual({
      field: 'patient',
      text: 'Bartholomew Quigley, bed 4',
      matches: [{ start: 12, end: 19 }],
    });
    expect((await search('electrolytes'))[0]?.snippet.field).toBe('subject');
    expect(await found('quigley peaked')).toEqual([sentIds.ecg]);
  });

  it('never finds a recalled message', async () => {
    expect(await found('insulin')).toEqual([sentIds.recalled]);
    const recalled = await office.call('message.recall', { messageId: sentIds.recalled! });
    expect(recalled.ok).toBe(true);
    await eventually(
      () => found('insulin'),
      (ids) => ids.length === 0,
    );
  });

  it("never finds a message past its expiry, by this workstation's clock, sweep or not", async () => {
    expect(await found('drug room')).toEqual([sentIds.expiring]);
    ahead = 61_000;
    try {
      expect(await found('drug room')).toEqual([]);
      expect(await found('4471')).toEqual([]);
    } finally {
      ahead = 0;
    }
  });

  it('records each search with its result count only, none included, and never the words', async () => {
    const before = wardTap.written.length;
    expect(await found('repeat sample')).toHaveLength(1);
    expect(await found('nothing like this')).toEqual([]);
    const records = wardTap.written.slice(before);
    expect(records.map((record) => [record.action, record.object])).toEqual([
      ['search.performed', { kind: 'search', resultCount: 1 }],
      ['search.performed', { kind: 'search', resultCount: 0 }],
    ]);
    expect(JSON.stringify(records)).not.toMatch(/repeat|sample|nothing/i);
  });

  it('shows nothing when the search cannot be recorded', async () => {
    wardTap.refuse.add('search.performed');
    try {
      expect(await ward.call('search.messages', { query: 'potassium' })).toMatchObject({
        ok: false,
        error: { code: 'AUDIT_UNAVAILABLE' },
      });
    } finally {
      wardTap.refuse.delete('search.performed');
    }
  });
});
