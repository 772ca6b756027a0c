/**
 * A role address's own escalation times through the admin API (`adminSetRoleEscalation`), as an
 * attacker would try it: only an IT admin may set them; the times are bounded and ordered as the
 * protocol says, or refused with nothing changed; an unknown address is NOT_FOUND; a repeat or
 * concurrent change changes (and records) once; the directory serves the address's own times
 * while it has them and the organisation's otherwise; and the database itself refuses half a plan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEntry } from '../../../shared/audit/audit-entry';
import type { DirectoryRole } from '../../../shared/protocol/api';
import type { RoleEscalationTimes } from '../../../shared/protocol/escalation';
import type { Database } from '../../../server/db/database';
import { migrate } from '../../../server/db/migrate';
import { openPgliteDatabase } from '../../../server/db/pglite-database';
import { openPostgresDatabase } from '../../../server/db/postgres-database';
import { storeRoleAddress } from '../../../server/directory/role-address-store';
import { reauthenticate } from '../../support/admin-session';
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

const MINUTE = 60_000;
const ADDRESS = 'role:oncall-cardiology';
const OTHER = 'role:stroke-team';
/** The organisation's times, as the server option sets them. */
const ORGANISATION: RoleEscalationTimes = {
  repeatEveryMs: 3 * MINUTE,
  backupAfterMs: 6 * MINUTE,
  everyoneAfterMs: 12 * MINUTE,
};
const OWN: RoleEscalationTimes = { repeatEveryMs: null, backupAfterMs: 4 * MINUTE, everyoneAfterMs: 7 * MINUTE };

const address = (addressId: string, displayName: string) => ({
  addressId,
  displayName,
  department: 'Cardiology',
  description: '',
});

/** An IT admin and a nurse on a server whose organisation times are ORGANISATION, with two addresses. */
async function serverWithAddresses(target: TestServer): Promise<{ admin: TestUser; nurse: TestUser }> {
  const admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
  const nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  await signIn(target, admin);
  await signIn(target, nurse);
  await target.api.ok('adminCreateRoleAddress', address(ADDRESS, 'On-call cardiology'), token(admin));
  await target.api.ok('adminCreateRoleAddress', address(OTHER, 'Stroke team'), token(admin));
  return { admin, nurse };
}

/** The times the directory serves each address with, as a nurse's workstation searches. */
async function servedTimes(target: TestServer, nurse: TestUser): Promise<Record<string, RoleEscalationTimes>> {
  const found = await target.api.ok('searchDirectory', { query: 'role:', limit: 20 }, token(nurse));
  const roles = found.entries.filter((entry): entry is DirectoryRole => entry.kind === 'role');
  return Object.fromEntries(roles.map((role) => [role.addressId, role.escalation]));
}

describe('setting a role address’s escalation times', () => {
  let target: TestServer;
  let admin: TestUser;
  let nurse: TestUser;
  let others: TestUser[];

  beforeAll(async () => {
    target = await startTestServer('pglite', { escalation: ORGANISATION });
    ({ admin, nurse } = await serverWithAddresses(target));
    others = [
      nurse,
      await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' }),
      await createUser(target, { userId: 'desk.morgan', displayName: 'Rhys Morgan', role: 'front-desk' }),
      await createUser(target, { userId: 'compliance.reed', displayName: 'Ada Reed', role: 'compliance-officer' }),
    ];
    for (const user of others.slice(1)) await signIn(target, user);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const set = (escalation: RoleEscalationTimes | null, addressId = ADDRESS) =>
    target.api.ok('adminSetRoleEscalation', { addressId, escalation }, token(admin));
  const refused = (body: unknown, as: TestUser | null = admin) =>
    target.api.refused('adminSetRoleEscalation', body, as === null ? undefined : token(as));
  const stored = async () =>
    (await target.api.ok('adminGetRoleAddress', { addressId: ADDRESS }, token(admin))).roleAddress.escalation;

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

  it('refuses everyone but an IT admin, freshly signed in or not, and changes nothing', async () => {
    const body = { addressId: ADDRESS, escalation: OWN };
    expect(await refused(body, null)).toMatchObject({ status: 401, body: { error: 'UNAUTHENTICATED' } });
    for (const user of others) {
      await reauthenticate(target, user);
      expect(await refused(body, user), user.userId).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
      expect(await refused({ addressId: ADDRESS, escalation: null }, user)).toMatchObject({ status: 403 });
    }
    expect(await stored()).toBeNull();
    expect((await servedTimes(target, nurse))[ADDRESS]).toEqual(ORGANISATION);
  });

  it('refuses times out of order, out of bounds or incomplete as MALFORMED_REQUEST, and changes nothing', async () => {
    const bad: unknown[] = [
      { ...OWN, backupAfterMs: OWN.everyoneAfterMs },
      { ...OWN, backupAfterMs: 8 * MINUTE },
      { ...OWN, backupAfterMs: MINUTE - 1 },
      { ...OWN, repeatEveryMs: 0 },
      { ...OWN, repeatEveryMs: 30_000 },
      { ...OWN, everyoneAfterMs: 24 * 60 * MINUTE + 1 },
      { ...OWN, backupAfterMs: 4.5 * MINUTE + 0.5 },
      { ...OWN, backupAfterMs: '240000' },
      { repeatEveryMs: null, backupAfterMs: 4 * MINUTE },
      { backupAfterMs: 4 * MINUTE, everyoneAfterMs: 7 * MINUTE },
      { ...OWN, stepAfterMs: MINUTE },
      [],
      'default',
    ];
    for (const escalation of bad)
      expect(await refused({ addressId: ADDRESS, escalation }), JSON.stringify(escalation)).toMatchObject({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
    expect(await refused({ addressId: ADDRESS })).toMatchObject({ status: 400 });
    expect(await refused({ addressId: 'oncall', escalation: OWN })).toMatchObject({ status: 400 });
    expect(await stored()).toBeNull();
  });

  it('answers NOT_FOUND for an address that does not exist, recording nothing', async () => {
    const records = await chainRecordsOf(async () => {
      for (const escalation of [OWN, null])
        expect(await refused({ addressId: 'role:nothing-here', escalation })).toEqual({
          status: 404,
          body: { error: 'NOT_FOUND' },
        });
    });
    expect(records).toEqual([]);
  });

  it('sets and clears once each, records each change by the admin, and the directory serves what is set', async () => {
    const object = { kind: 'role-address', id: ADDRESS, userId: null };
    const byAdmin = { userId: 'it.schmidt', role: 'it-admin' };
    const records = await chainRecordsOf(async () => {
      expect(await set(OWN)).toEqual({ changed: true });
      expect(await set(OWN)).toEqual({ changed: false });
      expect(await servedTimes(target, nurse)).toEqual({ [ADDRESS]: OWN, [OTHER]: ORGANISATION });
      const { roleAddress } = await target.api.ok('adminGetRoleAddress', { addressId: ADDRESS }, token(admin));
      expect(roleAddress).toMatchObject({ escalation: OWN, organisationEscalation: ORGANISATION });
      // The organisation's own times, set as the address's: still its own (the option may change later).
      expect(await set(ORGANISATION)).toEqual({ changed: true });
      expect(await set(null)).toEqual({ changed: true });
      expect(await set(null)).toEqual({ changed: false });
    });
    expect(records).toEqual([
      { actor: byAdmin, object, reason: 'ROLE_ESCALATION_SET' },
      { actor: byAdmin, object, reason: 'ROLE_ESCALATION_SET' },
      { actor: byAdmin, object, reason: 'ROLE_ESCALATION_CLEARED' },
    ]);
    expect(await stored()).toBeNull();
    expect(await servedTimes(target, nurse)).toEqual({ [ADDRESS]: ORGANISATION, [OTHER]: ORGANISATION });
  });

  it('serves one address’s times without touching another’s', async () => {
    const stroke = { repeatEveryMs: MINUTE, backupAfterMs: 2 * MINUTE, everyoneAfterMs: 24 * 60 * MINUTE };
    expect(await set(stroke, OTHER)).toEqual({ changed: true });
    expect(await servedTimes(target, nurse)).toEqual({ [ADDRESS]: ORGANISATION, [OTHER]: stroke });
    expect(await set(null, OTHER)).toEqual({ changed: true });
  });
});

describe.each(BACKENDS)('concurrent escalation changes on %s', (backend) => {
  let target: TestServer;
  let admin: TestUser;
  let nurse: TestUser;
  beforeAll(async () => {
    target = await startTestServer(backend, {
      escalation: ORGANISATION,
      ...(backend === 'postgres' ? { postgres: postgres() } : {}),
    });
    ({ admin, nurse } = await serverWithAddresses(target));
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const escalationEvents = async () =>
    (await target.server.admin.adminEvents()).filter((event) => event.action.startsWith('role-address.escalation-'));
  const setting = (escalation: RoleEscalationTimes | null) =>
    target.api.ok('adminSetRoleEscalation', { addressId: ADDRESS, escalation }, token(admin));
  const stored = async () =>
    (await target.api.ok('adminGetRoleAddress', { addressId: ADDRESS }, token(admin))).roleAddress.escalation;

  it('changes once when twenty equal sets arrive at once, and clears once likewise', async () => {
    const set = await Promise.all(Array.from({ length: 20 }, () => setting(OWN)));
    expect(set.filter((answer) => answer.changed)).toHaveLength(1);
    const cleared = await Promise.all(Array.from({ length: 20 }, () => setting(null)));
    expect(cleared.filter((answer) => answer.changed)).toHaveLength(1);
    expect((await escalationEvents()).map((event) => [event.action, event.actor, event.subject])).toEqual([
      ['role-address.escalation-set', 'it.schmidt', ADDRESS],
      ['role-address.escalation-cleared', 'it.schmidt', ADDRESS],
    ]);
  });

  it('records exactly the changes that happened when sets and clears interleave, and ends as the last', async () => {
    const before = (await escalationEvents()).length;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => setting(i % 2 === 0 ? OWN : null)));
    const events = (await escalationEvents()).slice(before);
    expect(events).toHaveLength(answers.filter((answer) => answer.changed).length);
    // They alternate, as the changes could only have: set, cleared, set…
    events.forEach((event, i) =>
      expect(event.action).toBe(i % 2 === 0 ? 'role-address.escalation-set' : 'role-address.escalation-cleared'),
    );
    const last = events.at(-1)?.action ?? 'role-address.escalation-cleared';
    const expected = last === 'role-address.escalation-set' ? OWN : null;
    expect(await stored()).toEqual(expected);
    expect((await servedTimes(target, nurse))[ADDRESS]).toEqual(expected ?? ORGANISATION);
  });

  it('keeps one whole set of times when twenty different sets arrive at once', async () => {
    const sets = Array.from({ length: 20 }, (_, i) => ({
      repeatEveryMs: i % 3 === 0 ? null : (i + 1) * MINUTE,
      backupAfterMs: (i + 1) * MINUTE,
      everyoneAfterMs: (i + 21) * MINUTE,
    }));
    const answers = await Promise.all(sets.map((times) => setting(times)));
    // All differ from one another, so whichever order they ran in, each changed the row.
    expect(answers.every((answer) => answer.changed)).toBe(true);
    const final = await stored();
    expect(sets).toContainEqual(final);
    expect((await servedTimes(target, nurse))[ADDRESS]).toEqual(final);
  });
});

describe.each(BACKENDS)('the role_addresses table on %s', (backend) => {
  let db: Database;
  let cleanup: () => void = () => undefined;
  beforeAll(async () => {
    if (backend === 'postgres') db = await openPostgresDatabase(await postgres().createDatabase());
    else {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-escalation-'));
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

  const write = (repeat: number | null, backup: number | null, everyone: number | null) =>
    db.query(
      `UPDATE role_addresses SET escalation_repeat_every_ms = $2::integer, escalation_backup_after_ms = $3::integer,
         escalation_everyone_after_ms = $4::integer WHERE address_id = $1`,
      [ADDRESS, repeat, backup, everyone],
    );

  it('holds a whole plan (re-alerts or none) or none, and refuses half of one or one out of order', async () => {
    await write(null, null, null);
    await write(MINUTE, 2 * MINUTE, 3 * MINUTE);
    await write(null, 2 * MINUTE, 3 * MINUTE);
    const halves: [number | null, number | null, number | null][] = [
      [MINUTE, null, null],
      [null, 2 * MINUTE, null],
      [null, null, 3 * MINUTE],
      [MINUTE, 2 * MINUTE, null],
      [null, 3 * MINUTE, 2 * MINUTE],
      [null, 2 * MINUTE, 2 * MINUTE],
      [null, 0, 2 * MINUTE],
      [0, MINUTE, 2 * MINUTE],
    ];
    for (const half of halves)
      await expect(write(...half), JSON.stringify(half)).rejects.toThrow(/role_addresses_escalation_whole/);
  });
});
