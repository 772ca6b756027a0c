/**
 * Audit intake on real PostgreSQL, with batches the test writes and signs itself: a true fork (a
 * sequence number the server holds arrives again with another hash) and a batch whose records
 * do not chain together are refused and leave their alert, which the compliance search then
 * shows; and a record stamped 1970 by a workstation's wrong clock is kept six years from the
 * moment the server received it, however far the server's own clock is moved on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainedEntry } from '../../../shared/audit/audit-entry';
import { chainRecords, chainStart, pointAfter, signedBatch, type ChainPoint } from '../../support/audit-batches';
import { usePostgres } from '../../support/postgres';
import {
  createUser,
  HOOK_TIMEOUT_MS,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const YEAR = 365.25 * 24 * 3600 * 1000;
const noFilter = {
  userId: null,
  patient: null,
  workstationId: null,
  conversationId: null,
  action: null,
  since: null,
  until: null,
};

let target: TestServer;
let nurse: TestUser;
let officer: TestUser;
/** Where the nurse's workstation chain stands on the server. */
let point: ChainPoint;

beforeAll(async () => {
  target = await startTestServer('postgres', { postgres: postgres() });
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams' });
  officer = await createUser(target, { userId: 'compliance.lee', displayName: 'Jin Lee', role: 'compliance-officer' });
  await signIn(target, nurse);
  await signIn(target, officer);
  const first = await chainRecords(nurse.device.deviceId, chainStart(), [{}, { action: 'session.locked' }, {}]);
  expect((await target.api.ok('auditBatch', await signedBatch(nurse.device, first))).ackedSeq).toBe(3);
  point = pointAfter(first);
}, HOOK_TIMEOUT_MS);
afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

const alertsOf = async () =>
  (await target.server.admin.auditAlerts()).map(({ kind, seq, workstationId }) => ({ kind, seq, workstationId }));
const stored = async () =>
  (await target.server.admin.auditRecords({ workstationId: nurse.device.deviceId })).map((entry) => entry.hash);

describe('batches that do not add up', () => {
  it('refuses a true fork: a sequence number it holds, sent again with another hash', async () => {
    const before = await stored();
    // Seq 2 and 3 again, validly chained and signed, but seq 2 is not the record the server holds.
    const secondFromOne = {
      seq: 1,
      hash: (await target.server.admin.auditRecords({ workstationId: nurse.device.deviceId }))[0]!.hash,
    };
    const forked = await chainRecords(nurse.device.deviceId, secondFromOne, [{ action: 'sign-in.succeeded' }, {}, {}]);
    expect(forked[0]?.hash).not.toBe(before[1]);
    expect(await target.api.refused('auditBatch', await signedBatch(nurse.device, forked))).toMatchObject({
      body: { error: 'AUDIT_CHAIN_BROKEN' },
    });
    // The overlap is checked at its last record the server holds: seq 3.
    expect(await alertsOf()).toEqual([{ kind: 'fork', seq: 3, workstationId: nurse.device.deviceId }]);
    expect(await stored()).toEqual(before);
    // The same fork sent again leaves no second alert.
    expect((await target.api.refused('auditBatch', await signedBatch(nurse.device, forked))).body.error).toBe(
      'AUDIT_CHAIN_BROKEN',
    );
    expect(await alertsOf()).toHaveLength(1);
  });

  it('refuses a batch whose records do not chain together, naming the first that breaks', async () => {
    const before = await stored();
    const entries = await chainRecords(nurse.device.deviceId, point, [{}, {}, {}]);
    // The middle record edited after it was hashed: its hash no longer covers its content.
    const edited: ChainedEntry[] = entries.map((entry, index) =>
      index === 1 ? { ...entry, record: { ...entry.record, action: 'message.read' } } : entry,
    );
    expect(await target.api.refused('auditBatch', await signedBatch(nurse.device, edited))).toMatchObject({
      body: { error: 'AUDIT_CHAIN_BROKEN' },
    });
    // A record left out in the middle: the next one's previous hash points at nothing sent.
    const skipped = [entries[0]!, { ...entries[2]!, record: { ...entries[2]!.record, seq: point.seq + 2 } }];
    expect(await target.api.refused('auditBatch', await signedBatch(nurse.device, skipped))).toMatchObject({
      body: { error: 'AUDIT_CHAIN_BROKEN' },
    });
    expect((await alertsOf()).filter((alert) => alert.kind === 'bad-chain')).toEqual([
      { kind: 'bad-chain', seq: point.seq + 2, workstationId: nurse.device.deviceId },
    ]);
    expect(await stored()).toEqual(before);
    // The honest batch still goes in after all that.
    expect((await target.api.ok('auditBatch', await signedBatch(nurse.device, entries))).ackedSeq).toBe(point.seq + 3);
    point = pointAfter(entries);
  });

  it('hands the alerts to the compliance officer with the search', async () => {
    const found = await target.api.ok(
      'auditSearch',
      { filter: noFilter, afterIndex: -1, limit: 10, knownTreeSize: 0 },
      token(officer),
    );
    expect(found.alerts.map(({ kind, seq }) => ({ kind, seq }))).toEqual([
      { kind: 'fork', seq: 3 },
      { kind: 'bad-chain', seq: 5 },
    ]);
    // Narrowed to another workstation, they are not that workstation's alerts.
    const elsewhere = await target.api.ok(
      'auditSearch',
      { filter: { ...noFilter, workstationId: officer.device.deviceId }, afterIndex: -1, limit: 10, knownTreeSize: 0 },
      token(officer),
    );
    expect(elsewhere.alerts).toEqual([]);
  });
});

describe('retention of a record stamped with a wrong clock', () => {
  it('keeps a record stamped 1970 for six years from its receipt, however far the server clock moves', async () => {
    const ancient = await chainRecords(nurse.device.deviceId, point, [{ at: 0, action: 'session.locked' }]);
    expect((await target.api.ok('auditBatch', await signedBatch(nurse.device, ancient))).ackedSeq).toBe(point.seq + 1);
    const [row] = (await postgres().execute(
      target.databaseUrl!,
      `SELECT at::bigint AS at, received_at::bigint AS received_at FROM audit_records WHERE hash = '${ancient[0]!.hash}'`,
    )) as {
      at: string;
      received_at: string;
    }[];
    expect(Number(row?.at)).toBe(0);
    expect(Math.abs(Number(row?.received_at) - target.clock.now())).toBeLessThan(60_000);

    expect(await target.server.admin.purgeExpiredAudit(6)).toBe(0);
    // Seven years on by the server's clock: the database still counts from its own.
    target.clock.advance(7 * YEAR);
    expect(await target.server.admin.purgeExpiredAudit(6)).toBe(0);
    expect(await stored()).toContain(ancient[0]!.hash);
    // Not even the superuser can delete it before its time: the trigger counts from receipt.
    await expect(
      postgres().execute(target.databaseUrl!, `DELETE FROM audit_records WHERE hash = '${ancient[0]!.hash}'`),
    ).rejects.toMatchObject({ code: '42501' });
  });
});
