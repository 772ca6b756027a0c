/**
 * `search.messages` against a hostile page and against leaks, through the real core and server:
 * malformed, oversized or extended payloads are refused before anything is searched or recorded;
 * query text built to break out of FTS5 is searched as words and answers a result, never an
 * internal error; only a signed-in role that messages may search; twenty searches at once are
 * twenty records; and the words searched for (a patient's name) reach neither the workstation's
 * trail, the server's, a log line nor an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tap, type Tap } from '../support/audit-tap';
import { HOSTILE_QUERIES } from '../support/hostile-search-queries';
import { account, signIn, startTestServer, type TestServer } from '../support/messaging-server';
import { createWorkstation, eventually, type Workstation } from '../support/workstation';

const nurse = account('nurse.lindqvist', 'nurse', 'Astrid Lindqvist', 'Ward 2', 'Staff Nurse');
const doctor = account('dr.castillo', 'physician', 'Rosa Castillo', 'Surgery', 'Registrar');
const officer = account('co.mbeki', 'compliance-officer', 'Thandi Mbeki', 'Compliance', 'Privacy Officer');

/** What the nurse searches for: a patient's name, which no record or log line may carry. */
const PATIENT = 'Wojciechowska';

let server: TestServer;
let ward: Workstation;
let office: Workstation;
let audit: Workstation;
let signedOut: Workstation;
let wardTap: Tap;
const logs: string[] = [];

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, officer]);
  ward = createWorkstation(server.endpoint, { logLines: logs });
  office = createWorkstation(server.endpoint, { logLines: logs });
  audit = createWorkstation(server.endpoint, { logLines: logs });
  signedOut = createWorkstation(server.endpoint, { logLines: logs });
  await signIn(ward, nurse);
  await Promise.all([signIn(office, doctor), signIn(audit, officer)]);
  wardTap = await tap(ward);
  const sent = await office.call('message.send', {
    to: [{ kind: 'user', userId: nurse.userId }],
    title: 'Post-op review',
    patient: { ref: 'pat-W0JC1E', label: `Maria ${PATIENT}` },
    text: 'Drain output 40 ml overnight, wound clean',
    priority: 'routine',
    expiresInSeconds: null,
  });
  if (!sent.ok) throw new Error(sent.error.code);
  await eventually(
    () => ward.call('search.messages', { query: 'drain' }),
    (found) => found.ok && found.value.results.length === 1,
  );
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close(), audit.close(), signedOut.close()]);
  await server.server.close();
});

const searches = () => wardTap.written.filter((record) => record.action === 'search.performed').length;

describe('a hostile page', () => {
  it('is refused for any payload the contract does not allow, and nothing is searched or recorded', async () => {
    const before = searches();
    for (const payload of [
      undefined,
      null,
      'drain',
      [],
      {},
      { query: 1 },
      { query: ['drain'] },
      { query: '' },
      { query: '   ' },
      { query: 'x'.repeat(201) },
      { query: 'drain', limit: 0 },
      { query: 'drain', limit: 51 },
      { query: 'drain', limit: 1.5 },
      { query: 'drain', limit: '10' },
      { query: 'drain', offset: 10 },
      { query: 'drain', now: 0 },
      JSON.parse('{"query":"drain","__proto__":{"limit":500}}') as unknown,
      { query: 'drain', selfId: doctor.userId },
    ])
      await expect(ward.call('search.messages', payload as never), JSON.stringify(payload)).resolves.toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    await expect(ward.call('search.messages', { query: 'x'.repeat(20_000) })).resolves.toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    expect(searches()).toBe(before);
  });

  it('searches FTS5 syntax, quotes and oversized words as words: a result every time, never an internal error', async () => {
    for (const query of HOSTILE_QUERIES) {
      const found = await ward.call('search.messages', { query });
      const label = JSON.stringify(query).slice(0, 40);
      if (query.trim().length > 200) {
        expect(!found.ok && ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE'].includes(found.error.code), label).toBe(true);
        continue;
      }
      expect(found.ok, label).toBe(true);
      if (found.ok) expect(found.value.results.length, label).toBeLessThanOrEqual(1);
    }
  });

  it('cannot search unless signed in with a role that messages', async () => {
    await expect(signedOut.call('search.messages', { query: 'drain' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'NOT_SIGNED_IN' },
    });
    await expect(audit.call('search.messages', { query: 'drain' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'NOT_PERMITTED' },
    });
  });

  it('gets twenty searches at once answered alike, and each recorded once', async () => {
    const before = searches();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => ward.call('search.messages', { query: 'drain output' })),
    );
    for (const answer of answers) expect(answer.ok && answer.value.results.length).toBe(1);
    expect(searches()).toBe(before + 20);
  });
});

describe('what a search lets out', () => {
  it('records the result count only: the words reach no trail, log line or error', async () => {
    const hit = await ward.call('search.messages', { query: PATIENT });
    expect(hit.ok && hit.value.results.length).toBe(1);
    const miss = await ward.call('search.messages', { query: `${PATIENT} insulin` });
    expect(miss.ok && miss.value.results).toEqual([]);
    const refused = await ward.call('search.messages', { query: `${PATIENT}${'x'.repeat(200)}` });
    expect(refused.ok).toBe(false);
    expect(await ward.core.audit.syncNow()).toMatchObject({ kind: 'synced' });

    const places = {
      serverTrail: JSON.stringify(await server.server.admin.auditRecords({})),
      deviceTrail: JSON.stringify(wardTap.written),
      errors: JSON.stringify(refused),
      logs: logs.join('\n'),
    };
    expect(places.logs.length).toBeGreaterThan(0);
    expect(places.serverTrail).toContain('"search.performed"');
    for (const [where, content] of Object.entries(places))
      expect(content.toLowerCase().includes(PATIENT.toLowerCase()), where).toBe(false);
    for (const record of wardTap.written.filter((written) => written.action === 'search.performed'))
      expect(Object.keys(record.object).sort()).toEqual(['kind', 'resultCount']);
  });
});
