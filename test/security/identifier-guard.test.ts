/**
 * The minimum-necessary guard against a hostile page and against leaks, through the real core and
 * server: a renderer that claims acknowledgements it never showed, or sends what the contract does
 * not know, gets nothing past main; and the text a guard record is about reaches neither the
 * workstation's trail, the server's, a log line, nor the error the page gets back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTIFIER_KINDS } from '../../shared/text/identifier-guard/identifier-kinds';
import { tap, type Tap } from '../support/audit-tap';
import { account, signIn, startTestServer, type TestServer } from '../support/messaging-server';
import { createWorkstation, type Workstation } from '../support/workstation';

const nurse = account('nurse.lindqvist', 'nurse', 'Astrid Lindqvist', 'Ward 2', 'Staff Nurse');
const desk = account('desk.oyelaran', 'front-desk', 'Tunde Oyelaran', 'Outpatients', 'Receptionist');
const doctor = account('dr.castillo', 'physician', 'Rosa Castillo', 'Surgery', 'Registrar');

/** What the clinician typed: none of it, and no part of it, may leave the compose box but sealed. */
const TEXT = 'Maria Kowalski DOB 14/02/1937, SSN 219-09-9999, MRN 4417-2291, wife on (212) 555-0143, 12 Oak Street';
// Long enough not to turn up by chance: four digits alone appear in times, ids and hashes (a run
// failed on "0143" inside the server trail's own numbers).
const FRAGMENTS = ['Kowalski', '14/02/1937', '219-09-9999', '4417-2291', '555-0143', 'Oak Street'];

let server: TestServer;
let ward: Workstation;
let reception: Workstation;
let wardTap: Tap;
let receptionTap: Tap;
const wardLog: string[] = [];
const receptionLog: string[] = [];

beforeAll(async () => {
  server = await startTestServer([nurse, desk, doctor]);
  ward = createWorkstation(server.endpoint, { logLines: wardLog });
  reception = createWorkstation(server.endpoint, {
    logLines: receptionLog,
    policy: { identifierGuardFrontDesk: 'block' },
  });
  const office = createWorkstation(server.endpoint);
  await Promise.all([signIn(ward, nurse), signIn(reception, desk), signIn(office, doctor)]);
  await office.close();
  [wardTap, receptionTap] = await Promise.all([tap(ward), tap(reception)]);
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), reception.close()]);
  await server.server.close();
});

const send = (station: Workstation, payload: Record<string, unknown>) =>
  station.call('message.send', {
    to: [{ kind: 'user', userId: doctor.userId }],
    title: null,
    text: TEXT,
    priority: 'routine',
    expiresInSeconds: null,
    ...payload,
  } as never);

describe('a page that claims acknowledgements', () => {
  it('cannot pass a warning by acknowledging every kind, or the wrong ones', async () => {
    for (const guardOverride of [[...IDENTIFIER_KINDS], ['ssn'], ['ssn', 'date-of-birth', 'phone', 'email']])
      await expect(send(ward, { guardOverride }), guardOverride.join()).resolves.toMatchObject({
        ok: false,
        error: { code: 'IDENTIFIERS_FOUND' },
      });
  });

  it('cannot pass a block at all', async () => {
    const found = await send(reception, {});
    expect(found).toMatchObject({ ok: false, error: { code: 'IDENTIFIERS_BLOCKED' } });
    const kinds = found.ok ? [] : (found.error.identifiers ?? []).map(({ kind }) => kind);
    for (const guardOverride of [kinds, [...IDENTIFIER_KINDS]])
      await expect(send(reception, { guardOverride })).resolves.toMatchObject({
        ok: false,
        error: { code: 'IDENTIFIERS_BLOCKED' },
      });
    expect(receptionTap.written.filter((record) => record.action === 'guard.overridden')).toEqual([]);
  });

  it('is refused for anything the contract does not know, before the check runs', async () => {
    const before = wardTap.written.length;
    for (const payload of [
      { guardOverride: 'all' },
      { guardOverride: ['passport'] },
      { guardOverride: [] },
      { guardOverride: [...IDENTIFIER_KINDS, 'ssn'] },
      { guardOverride: ['ssn'], skipGuard: true },
      { identifiers: [{ kind: 'ssn', count: 1 }] },
    ])
      await expect(send(ward, payload), JSON.stringify(payload)).resolves.toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    expect(wardTap.written.length).toBe(before);
  });
});

describe('what the guard lets out', () => {
  it('records kinds and counts, and no part of the text reaches a trail, a log or an error', async () => {
    const warned = await send(ward, {});
    const blocked = await send(reception, {});
    const overridden =
      warned.ok || warned.error.identifiers === undefined
        ? warned
        : await send(ward, { guardOverride: warned.error.identifiers.map(({ kind }) => kind) });
    expect(overridden.ok).toBe(true);
    for (const station of [ward, reception])
      expect(await station.core.audit.syncNow()).toMatchObject({ kind: 'synced' });

    const places = {
      serverTrail: JSON.stringify(await server.server.admin.auditRecords({})),
      deviceTrails: JSON.stringify([...wardTap.written, ...receptionTap.written]),
      errors: JSON.stringify([warned, blocked]),
      logs: [...wardLog, ...receptionLog].join('\n'),
    };
    // Each was written to (an empty place would prove nothing).
    expect(places.logs.length).toBeGreaterThan(0);
    expect(places.serverTrail).toContain('"guard.overridden"');
    for (const [where, content] of Object.entries(places))
      for (const fragment of FRAGMENTS) expect(content.includes(fragment), `${where}: ${fragment}`).toBe(false);

    // What is said instead: the kinds and how many of each.
    expect(warned).toMatchObject({
      ok: false,
      error: {
        code: 'IDENTIFIERS_FOUND',
        identifiers: [
          { kind: 'ssn', count: 1 },
          { kind: 'mrn', count: 1 },
          { kind: 'date-of-birth', count: 1 },
          { kind: 'phone', count: 1 },
          { kind: 'street-address', count: 1 },
        ],
      },
    });
    const records = [...wardTap.written, ...receptionTap.written].filter((record) =>
      record.action.startsWith('guard.'),
    );
    for (const record of records)
      expect(Object.keys(record.object).sort(), record.action).toEqual(['conversationId', 'found', 'kind']);
  });
});
