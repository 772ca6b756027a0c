/**
 * Message search on a real SQLCipher vault, through the store worker (main/store/ops/search-ops.ts):
 * bodies, conversation subjects and patient labels are found, alone and together; recalled and
 * expired messages never are (expired by the clock given, before any sweep), nor is a
 * conversation whose every message is gone; newest first, a bounded page; and no input, however
 * hostile, is anything but words to FTS5.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../../main/store/ops/conversation-ops';
import type { IncomingMessage } from '../../../main/store/ops/message-ops';
import { openSqlCipher } from '../../../main/store/sqlcipher-connection';
import { openStore, type StoreClient } from '../../../main/store/store-client';
import { storeOps } from '../../../main/store/store-ops';
import { HOSTILE_QUERIES } from '../../support/hostile-search-queries';
import { randomKey, tempDir } from '../../support/vault-fixtures';

const SELF = 'nurse.adams';
const NOW = 1_700_000_100_000;
const me = { userId: SELF, displayName: 'Philippa Adams', role: 'nurse', department: 'Ward 7B', title: null };
const doctor = {
  userId: 'dr.okafor',
  displayName: 'Chidinma Okafor',
  role: 'physician',
  department: null,
  title: null,
};

let store: StoreClient;

function conversation(id: string, overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id,
    kind: 'direct',
    title: null,
    roleAddressId: null,
    roleAddressName: null,
    createdAt: 1000,
    patient: null,
    participants: [me, doctor],
    ...overrides,
  };
}

let seq = 0;
async function receive(
  conv: ConversationRecord,
  id: string,
  body: string,
  overrides: Partial<IncomingMessage> = {},
): Promise<void> {
  seq += 1;
  await store.call('message.receive', {
    conversation: conv,
    message: {
      id,
      conversationId: conv.id,
      senderId: doctor.userId,
      sentAt: 1_700_000_000_000 + seq * 1000,
      receivedAt: 1_700_000_000_000 + seq * 1000,
      priority: 'routine',
      expiresAt: null,
      recipientCount: 1,
      envelope: new Uint8Array([seq]),
      body,
      direction: 'in',
      ...overrides,
    },
  });
}

const search = (text: string, limit = 50, now = NOW) =>
  store.call('message.search', { text, selfId: SELF, now, limit });
const ids = async (text: string, now = NOW) => (await search(text, 50, now)).rows.map((row) => row.messageId);

const quigley = conversation('conv-quigley', {
  title: 'Overnight electrolytes',
  patient: { ref: 'MRN-00424242', label: 'Bartholomew Quigley, bed 4' },
});
const plain = conversation('conv-plain');
const gone = conversation('conv-gone', { title: 'Discharge planning', patient: { ref: 'MRN-9', label: 'Zelda Ng' } });
const role = conversation('conv-role', {
  kind: 'role',
  roleAddressId: 'cardiology-on-call',
  roleAddressName: 'On-call cardiology',
  title: 'Troponin trend',
});

beforeAll(async () => {
  store = await openStore(path.join(tempDir('wardline-search-'), 'vault.db'), randomKey(), { create: true });
  await receive(quigley, 'q-1', 'Potassium 5.9 on the repeat sample, please recheck at 18:00');
  await receive(quigley, 'q-2', 'ECG unchanged, no peaked T waves');
  await receive(plain, 'p-1', 'Potassium in bed 9 normal now', { priority: 'urgent' });
  await receive(plain, 'p-2', 'Recalled potassium note');
  await store.call('message.recall', { id: 'p-2', recalledAt: NOW - 10 });
  await receive(plain, 'p-3', 'Expiring potassium note', { expiresAt: NOW });
  await receive(plain, 'p-4', 'Still fresh potassium note', { expiresAt: NOW + 1 });
  await receive(gone, 'g-1', 'Discharge letter drafted for Zelda', { expiresAt: NOW - 1 });
  await receive(gone, 'g-2', 'Pharmacy has the discharge meds');
  await store.call('message.recall', { id: 'g-2', recalledAt: NOW - 5 });
  await receive(role, 'r-1', 'Troponin rising, 34 then 58');
  await store.call('message.queueOutgoing', {
    conversation: plain,
    message: {
      id: 'p-5',
      senderId: SELF,
      sentAt: 1_700_000_090_000,
      priority: 'routine',
      expiresAt: null,
      recipientCount: 1,
      body: 'I will recheck the potassium myself',
    },
    envelope: new Uint8Array([9]),
  });
}, 30_000);

afterAll(() => store.close());

describe('what search finds', () => {
  it('finds words in message bodies, newest first, with the prefix of the last word', async () => {
    expect(await ids('potassium')).toEqual(['p-5', 'p-4', 'p-1', 'q-1']);
    expect(await ids('potas')).toEqual(['p-5', 'p-4', 'p-1', 'q-1']);
    expect(await ids('POTASSIUM recheck')).toEqual(['p-5', 'q-1']);
    expect(await ids('peaked')).toEqual(['q-2']);
  });

  it('finds a conversation by its subject or patient label, once, at its newest message', async () => {
    const bySubject = await search('electrolytes');
    expect(bySubject.rows.map((row) => [row.messageId, row.matchedIn])).toEqual([['q-2', 'conversation']]);
    const byPatient = await search('quigley');
    expect(byPatient.rows.map((row) => [row.messageId, row.matchedIn])).toEqual([['q-2', 'conversation']]);
    expect(byPatient.rows[0]).toMatchObject({
      conversationId: quigley.id,
      senderId: doctor.userId,
      senderName: 'Chidinma Okafor',
      direction: 'in',
      conversation: {
        title: 'Overnight electrolytes',
        patientLabel: 'Bartholomew Quigley, bed 4',
        otherNames: ['Chidinma Okafor'],
      },
    });
    expect(await ids('troponin')).toEqual(['r-1']);
  });

  it("finds a patient and a word of a message together: the message in that patient's thread", async () => {
    expect(await ids('quigley potassium')).toEqual(['q-1']);
    expect(await ids('bartholomew repeat sample')).toEqual(['q-1']);
    // Both words in what the conversation is about: the conversation itself.
    expect(await ids('quigley electrolytes')).toEqual(['q-2']);
    // A word nowhere: nothing.
    expect(await ids('quigley insulin')).toEqual([]);
  });

  it('answers what the list needs: sender, time, priority, the conversation and own messages as such', async () => {
    const rows = (await search('potassium')).rows;
    expect(rows.find((row) => row.messageId === 'p-1')).toMatchObject({
      priority: 'urgent',
      body: 'Potassium in bed 9 normal now',
      matchedIn: 'body',
      conversation: { kind: 'direct', title: null, patientLabel: null },
    });
    expect(rows.find((row) => row.messageId === 'p-5')).toMatchObject({ direction: 'out', senderId: SELF });
    const troponin = (await search('troponin')).rows[0];
    expect(troponin?.conversation).toMatchObject({
      roleAddressId: 'cardiology-on-call',
      roleAddressName: 'On-call cardiology',
    });
  });

  it('answers a bounded page and says there is more', async () => {
    const page = await search('potassium', 2);
    expect(page.rows.map((row) => row.messageId)).toEqual(['p-5', 'p-4']);
    expect(page.more).toBe(true);
    expect((await search('potassium', 4)).more).toBe(false);
  });
});

describe('what search never finds', () => {
  it('a recalled message', async () => {
    expect(await ids('recalled')).toEqual([]);
    expect(await ids('pharmacy')).toEqual([]);
  });

  it('an expired message, by the clock given, before the sweeper has run', async () => {
    expect(await ids('expiring')).toEqual([]);
    // A millisecond earlier it had not expired yet.
    expect(await ids('expiring', NOW - 1)).toEqual(['p-3']);
    expect(await ids('fresh')).toEqual(['p-4']);
    expect(await ids('fresh', NOW + 1)).toEqual([]);
  });

  it('a conversation by its subject or patient when none of its messages is left to open', async () => {
    expect(await ids('discharge')).toEqual([]);
    expect(await ids('zelda')).toEqual([]);
    expect(await ids('zelda letter')).toEqual([]);
  });

  it('anything for a query of nothing but punctuation', async () => {
    expect(await search('" * ( :')).toEqual({ rows: [], more: false });
  });
});

describe('hostile input', () => {
  it.each(HOSTILE_QUERIES.map((input) => [JSON.stringify(input).slice(0, 40), input]))(
    '%s is only words to FTS5',
    async (_, input) => {
      const found = await search(input);
      expect(found.rows.length).toBeLessThanOrEqual(50);
      for (const row of found.rows) expect(['p-1', 'p-4', 'p-5', 'q-1', 'q-2', 'r-1']).toContain(row.messageId);
    },
  );

  it('finds the words around operators as words', async () => {
    expect(await ids('NEAR(potassium recheck')).toEqual([]);
    expect(await ids('potassium AND recheck')).toEqual([]);
    expect(await ids('"potassium" recheck*')).toEqual(['p-5', 'q-1']);
    expect(await ids('body:potassium')).toEqual([]);
  });
});

describe('the index of subjects and patients', () => {
  it('follows a conversation whose subject or patient changes, and one that goes', () => {
    // No operation renames or deletes a conversation today; the triggers keep the index right if one does.
    const db = openSqlCipher(path.join(tempDir('wardline-search-'), 'vault.db'), randomKey(), { create: true });
    try {
      storeOps['message.receive'](db, {
        conversation: quigley,
        message: {
          id: 'x-1',
          conversationId: quigley.id,
          senderId: doctor.userId,
          sentAt: 1,
          receivedAt: 1,
          priority: 'routine',
          expiresAt: null,
          recipientCount: 1,
          envelope: new Uint8Array([1]),
          body: 'hello',
          direction: 'in',
        },
      });
      const find = (text: string) =>
        storeOps['message.search'](db, { text, selfId: SELF, now: NOW, limit: 10 }).rows.map((row) => row.messageId);
      expect(find('quigley')).toEqual(['x-1']);
      db.prepare("UPDATE conversations SET title = 'Fluids', patient_label = 'Mabel Ortiz' WHERE id = ?").run(
        quigley.id,
      );
      expect([find('quigley'), find('electrolytes'), find('fluids'), find('ortiz')]).toEqual([
        [],
        [],
        ['x-1'],
        ['x-1'],
      ]);
      db.prepare('UPDATE conversations SET title = NULL, patient_label = NULL WHERE id = ?').run(quigley.id);
      expect(find('fluids')).toEqual([]);
      db.prepare("UPDATE conversations SET title = 'Fluids' WHERE id = ?").run(quigley.id);
      db.prepare('DELETE FROM conversations WHERE id = ?').run(quigley.id);
      expect(find('fluids')).toEqual([]);
      expect(db.prepare('SELECT count(*) AS n FROM conversation_search').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
