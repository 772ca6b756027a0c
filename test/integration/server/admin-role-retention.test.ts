/**
 * A role address's own message retention bound through the admin API (`adminSetRoleRetention`),
 * as an attacker would try it: only an IT admin may set it, and only with a re-authentication
 * from the last five minutes (a shorter bound deletes for good); the days are whole and within
 * the organisation bound's range, or refused with nothing changed; an unknown address is
 * NOT_FOUND; a repeat or twenty at once change (and record) once; each change is on the server's
 * chain naming the admin and the address; the address shows its own bound beside the
 * organisation's; and the database itself refuses a bound out of range.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEntry } from '../../../shared/audit/audit-entry';
import type { Database } from '../../../server/db/database';
import { migrate } from '../../../server/db/migrate';
import { openPgliteDatabase } from '../../../server/db/pglite-database';
import { openPostgresDatabase } from '../../../server/db/postgres-database';
import { storeRoleAddress } from '../../../server/directory/role-address-store';
import { passTime, reauthenticate } from '../../support/admin-session';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  createUser,
  HOOK_TIMEOUT_MS,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';
import { seedPgliteFromTemplate } from '../../support/pglite-template';

const postgres = usePostgres();

const ADDRESS = 'role:oncall-cardiology';
const OTHER = 'role:stroke-team';
/** The organisation's bound, as the server option sets it. */
const ORGANISATION = 400;

const address = (addressId: string, displayName: string) => ({
  addressId,
  displayName,
  department: 'Cardiology',
  description: '',
});

async function serverWithAddresses(target: TestServer): Promise<TestUser> {
  const admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
  await signIn(target, admin);
  await target.api.ok('adminCreateRoleAddress', address(ADDRESS, 'On-call cardiology'), token(admin));
  await target.api.ok('adminCreateRoleAddress', address(OTHER, 'Stroke team'), token(admin));
  return admin;
}

describe('setting a role address’s retention bound', () => {
  let target: TestServer;
  let admin: TestUser;
  let others: TestUser[];

  beforeAll(async () => {
    target = await startTestServer('pglite', { messageRetentionDays: ORGANISATION });
    admin = await serverWithAddresses(target);
    others = [
      await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' }),
      await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' }),
      await createUser(target, { userId: 'desk.morgan', displayName: 'Rhys Morgan', role: 'front-desk' }),
      await createUser(target, { userId: 'compliance.reed', displayName: 'Ada Reed', role: 'compliance-officer' }),
    ];
    for (const user of others) await signIn(target, user);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const set = (retentionDays: number | null, addressId = ADDRESS) =>
    target.api.ok('adminSetRoleRetention', { addressId, retentionDays }, token(admin));
  const refused = (body: unknown, as: TestUser | null = admin) =>
    target.api.refused('adminSetRoleRetention', body, as === null ? undefined : token(as));
  const stored = async (addressId = ADDRESS) =>
    (await target.api.ok('adminGetRoleAddress', { addressId }, token(admin))).roleAddress;

  /** The server chain's admin records made by `work`, as who did what to which object. */
  async function chainRecordsOf(work: () => Promise<unknown>) {
    const records = async (): Promise<StoredEntry[]> => {
      await target.server.foldServerTrail();
      return target.server.admin.auditRecords({ action: 'admin.action', limit: 100_000 });
    };
    const before = (await records()).length;
    await work();
    return (await records()).slice(before).map(({ record }) => ({
      actor: record.actor,
      object: record.object,
      reason: record.reason,
    }));
  }

  it('shows the organisation’s bound beside the address’s own, none at first', async () => {
    expect(await stored()).toMatchObject({ retentionDays: null, organisationRetentionDays: ORGANISATION });
  });

  it('refuses everyone but an IT admin, freshly signed in or not, and changes nothing', async () => {
    const body = { addressId: ADDRESS, retentionDays: 30 };
    expect(await refused(body, null)).toMatchObject({ status: 401, body: { error: 'UNAUTHENTICATED' } });
    for (const user of others) {
      await reauthenticate(target, user);
      expect(await refused(body, user), user.userId).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
      expect(await refused({ addressId: ADDRESS, retentionDays: null }, user)).toMatchObject({ status: 403 });
    }
    expect((await stored()).retentionDays).toBeNull();
  });

  it('asks an IT admin whose proof has aged to confirm it is them, then takes it', async () => {
    await passTime(target, admin, 6 * 60_000);
    expect(await refused({ addressId: ADDRESS, retentionDays: 30 })).toEqual({
      status: 403,
      body: { error: 'REAUTHENTICATION_REQUIRED' },
    });
    expect((await stored()).retentionDays).toBeNull();
    await reauthenticate(target, admin);
    expect(await set(30)).toEqual({ changed: true });
    expect(await set(null)).toEqual({ changed: true });
  });

  it('refuses days that are not whole, or outside 30 to 36500, as MALFORMED_REQUEST, and changes nothing', async () => {
    for (const retentionDays of [29, 0, -30, 36_501, 30.5, Number.MAX_SAFE_INTEGER, '90', true, [], {}])
      expect(await refused({ addressId: ADDRESS, retentionDays }), JSON.stringify(retentionDays)).toMatchObject({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
    expect(await refused({ addressId: ADDRESS })).toMatchObject({ status: 400 });
    expect(await refused({ addressId: ADDRESS, retentionDays: 90, escalation: null })).toMatchObject({ status: 400 });
    expect(await refused({ addressId: 'oncall', retentionDays: 90 })).toMatchObject({ status: 400 });
    expect((await stored()).retentionDays).toBeNull();
  });

  it('answers NOT_FOUND for an address that does not exist, recording nothing', async () => {
    const records = await chainRecordsOf(async () => {
      for (const retentionDays of [90, null])
        expect(await refused({ addressId: 'role:nothing-here', retentionDays })).toEqual({
          status: 404,
          body: { error: 'NOT_FOUND' },
        });
    });
    expect(records).toEqual([]);
  });

  it('sets and clears once each, each change on the chain by the admin and the address, with nothing else', async () => {
    const object = { kind: 'role-address', id: ADDRESS, userId: null };
    const byAdmin = { userId: 'it.schmidt', role: 'it-admin' };
    const retentionEvents = async () =>
      (await target.server.admin.adminEvents()).filter((event) => event.action.startsWith('role-address.retention-'));
    const before = (await retentionEvents()).length;
    const records = await chainRecordsOf(async () => {
      expect(await set(30)).toEqual({ changed: true });
      expect(await set(30)).toEqual({ changed: false });
      expect(await stored()).toMatchObject({ retentionDays: 30, organisationRetentionDays: ORGANISATION });
      expect((await stored(OTHER)).retentionDays).toBeNull();
      // The organisation's own bound, set as the address's: still its own (the option may change later).
      expect(await set(ORGANISATION)).toEqual({ changed: true });
      expect(await set(36_500)).toEqual({ changed: true });
      expect(await set(null)).toEqual({ changed: true });
      expect(await set(null)).toEqual({ changed: false });
    });
    expect(records).toEqual([
      { actor: byAdmin, object, reason: 'ROLE_RETENTION_SET' },
      { actor: byAdmin, object, reason: 'ROLE_RETENTION_SET' },
      { actor: byAdmin, object, reason: 'ROLE_RETENTION_SET' },
      { actor: byAdmin, object, reason: 'ROLE_RETENTION_CLEARED' },
    ]);
    // The admin record keeps the days it set (a number about the address, nothing of a message).
    const events = (await retentionEvents()).slice(before);
    expect(events.map((event) => [event.action, event.actor, event.subject, event.retentionDays])).toEqual([
      ['role-address.retention-set', 'it.schmidt', ADDRESS, 30],
      ['role-address.retention-set', 'it.schmidt', ADDRESS, ORGANISATION],
      ['role-address.retention-set', 'it.schmidt', ADDRESS, 36_500],
      ['role-address.retention-cleared', 'it.schmidt', ADDRESS, null],
    ]);
    expect((await stored()).retentionDays).toBeNull();
  });
});

describe.each(BACKENDS)('concurrent retention changes on %s', (backend) => {
  let target: TestServer;
  let admin: TestUser;
  beforeAll(async () => {
    target = await startTestServer(backend, backend === 'postgres' ? { postgres: postgres() } : {});
    admin = await serverWithAddresses(target);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const setting = (retentionDays: number | null) =>
    target.api.ok('adminSetRoleRetention', { addressId: ADDRESS, retentionDays }, token(admin));
  const retentionEvents = async () =>
    (await target.server.admin.adminEvents()).filter((event) => event.action.startsWith('role-address.retention-'));

  it('changes once when twenty equal sets arrive at once, and clears once likewise', async () => {
    expect(
      (await target.api.ok('adminGetRoleAddress', { addressId: ADDRESS }, token(admin))).roleAddress,
    ).toMatchObject({
      retentionDays: null,
      organisationRetentionDays: 2190,
    });
    const set = await Promise.all(Array.from({ length: 20 }, () => setting(60)));
    expect(set.filter((answer) => answer.changed)).toHaveLength(1);
    const cleared = await Promise.all(Array.from({ length: 20 }, () => setting(null)));
    expect(cleared.filter((answer) => answer.changed)).toHaveLength(1);
    expect((await retentionEvents()).map((event) => [event.action, event.subject])).toEqual([
      ['role-address.retention-set', ADDRESS],
      ['role-address.retention-cleared', ADDRESS],
    ]);
  });

  it('keeps one of twenty different bounds set at once, and records each', async () => {
    const before = (await retentionEvents()).length;
    const days = Array.from({ length: 20 }, (_, i) => 30 + i);
    const answers = await Promise.all(days.map((n) => setting(n)));
    expect(answers.every((answer) => answer.changed)).toBe(true);
    const final = (await target.api.ok('adminGetRoleAddress', { addressId: ADDRESS }, token(admin))).roleAddress
      .retentionDays;
    expect(days).toContain(final);
    const events = (await retentionEvents()).slice(before);
    expect(events).toHaveLength(20);
    expect(events.at(-1)?.retentionDays).toBe(final);
  });
});

describe.each(BACKENDS)('the role_addresses retention column on %s', (backend) => {
  let db: Database;
  let cleanup: () => void = () => undefined;
  beforeAll(async () => {
    if (backend === 'postgres') db = await openPostgresDatabase(await postgres().createDatabase());
    else {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-role-retention-'));
      await seedPgliteFromTemplate(dataDir);
      db = await openPgliteDatabase(path.join(dataDir, 'pglite'));
      cleanup = () => rmSync(dataDir, { recursive: true, force: true });
    }
    await migrate(db);
    await storeRoleAddress(db, address(ADDRESS, 'On-call cardiology'), []);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await db.close();
    cleanup();
  }, HOOK_TIMEOUT_MS);

  const write = (days: number | null) =>
    db.query('UPDATE role_addresses SET retention_days = $2::integer WHERE address_id = $1', [ADDRESS, days]);

  it('holds a bound within 30 to 36500 days, or none, and refuses any other', async () => {
    for (const days of [null, 30, 36_500]) await write(days);
    for (const days of [29, 0, -1, 36_501]) await expect(write(days), String(days)).rejects.toThrow(/check/i);
  });
});
