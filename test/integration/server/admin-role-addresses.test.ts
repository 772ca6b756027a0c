/**
 * Role addresses through the admin API (shared/protocol/admin-directory-api.ts), as an attacker
 * would try it: every directory admin route refuses every other role and a missing session;
 * names are bounded and plain text; members are real accounts that take part in messaging; a
 * repeated or concurrent change changes (and records) once; each change reaches the server's
 * chain naming the IT admin and the address (and member) in full, never a name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEntry } from '../../../shared/audit/audit-entry';
import { adminDirectoryRoutes } from '../../../shared/protocol/admin-directory-api';
import type { RouteName, RouteRequest } from '../../../shared/protocol/api';
import { DEFAULT_ESCALATION_TIMES } from '../../../shared/protocol/escalation';
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
import { reauthenticate } from '../../support/admin-session';

const postgres = usePostgres();

type DirectoryRoute = keyof typeof adminDirectoryRoutes & RouteName;
const DIRECTORY_ROUTES = Object.keys(adminDirectoryRoutes) as DirectoryRoute[];
const ADDRESS = 'role:oncall-cardiology';
const DEVICE = '0f0e0d0c-0b0a-4909-8807-060504030201';

/** A well-formed body for each route, so a refusal is about who calls, not what is sent. */
function bodyOf(name: DirectoryRoute): unknown {
  const fields = { addressId: ADDRESS, displayName: 'On-call cardiology', department: 'Cardiology', description: '' };
  switch (name) {
    case 'adminSearchRoleAddresses':
      return { query: '', after: null, limit: 10 };
    case 'adminGetRoleAddress':
      return { addressId: ADDRESS };
    case 'adminCreateRoleAddress':
    case 'adminUpdateRoleAddress':
      return fields;
    case 'adminAddRoleMember':
    case 'adminRemoveRoleMember':
      return { addressId: ADDRESS, userId: 'nurse.adams' };
    case 'adminSetRoleEscalation':
      return {
        addressId: ADDRESS,
        escalation: { repeatEveryMs: 60_000, backupAfterMs: 120_000, everyoneAfterMs: 180_000 },
      };
    case 'adminSetRoleRetention':
      return { addressId: ADDRESS, retentionDays: 90 };
    case 'adminListWorkstations':
      return { after: null, limit: 10 };
    case 'adminRevokeWorkstation':
      return { deviceId: DEVICE };
  }
}

const address = (addressId: string, displayName = 'On-call cardiology') => ({
  addressId,
  displayName,
  department: 'Cardiology',
  description: 'The cardiology registrar on call',
});

describe('role addresses through the admin API', () => {
  let target: TestServer;
  let admin: TestUser;
  let others: TestUser[];

  beforeAll(async () => {
    target = await startTestServer('pglite');
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    others = [
      await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' }),
      await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' }),
      await createUser(target, { userId: 'desk.morgan', displayName: 'Rhys Morgan', role: 'front-desk' }),
      await createUser(target, { userId: 'compliance.reed', displayName: 'Ada Reed', role: 'compliance-officer' }),
    ];
    for (const user of [admin, ...others]) await signIn(target, user);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const call = <R extends DirectoryRoute>(name: R, body: RouteRequest<R>) => target.api.ok(name, body, token(admin));
  const refused = (name: DirectoryRoute, body: unknown) => target.api.refused(name, body, token(admin));

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
  const byAdmin = { userId: 'it.schmidt', role: 'it-admin' } as const;
  const roleObject = (userId: string | null) => ({ kind: 'role-address', id: ADDRESS, userId }) as const;

  it('refuses every directory admin route without a session', async () => {
    for (const name of DIRECTORY_ROUTES) {
      const answer = await target.api.refused(name, bodyOf(name));
      expect(answer, name).toMatchObject({ status: 401, body: { error: 'UNAUTHENTICATED' } });
    }
  });

  it('refuses every directory admin route to nurses, physicians, front desk and compliance officers', async () => {
    for (const user of others) {
      // Freshly re-authenticated: the role decides, not the proof.
      await reauthenticate(target, user);
      for (const name of DIRECTORY_ROUTES) {
        const answer = await target.api.refused(name, bodyOf(name), token(user));
        expect(answer, `${user.userId} ${name}`).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
      }
    }
    // Nothing was created by any of them.
    expect(await refused('adminGetRoleAddress', { addressId: ADDRESS })).toMatchObject({ status: 404 });
  });

  it('creates an address once, names and describes it, and records each change by the admin', async () => {
    const records = await chainRecordsOf(async () => {
      await call('adminCreateRoleAddress', { ...address(ADDRESS), displayName: '  On-call cardiology  ' });
      expect(await refused('adminCreateRoleAddress', address(ADDRESS, 'Someone else’s'))).toMatchObject({
        status: 409,
        body: { error: 'CONFLICT' },
      });
      expect(await call('adminUpdateRoleAddress', address(ADDRESS, 'Cardiology on call'))).toEqual({ changed: true });
      // The same again changes nothing and records nothing.
      expect(await call('adminUpdateRoleAddress', address(ADDRESS, 'Cardiology on call'))).toEqual({ changed: false });
    });
    expect(records).toEqual([
      { actor: byAdmin, object: roleObject(null), reason: 'ROLE_ADDRESS_CREATED' },
      { actor: byAdmin, object: roleObject(null), reason: 'ROLE_ADDRESS_UPDATED' },
    ]);
    const { roleAddress } = await call('adminGetRoleAddress', { addressId: ADDRESS });
    expect(roleAddress).toEqual({
      ...address(ADDRESS, 'Cardiology on call'),
      memberCount: 0,
      members: [],
      escalation: null,
      organisationEscalation: DEFAULT_ESCALATION_TIMES,
      retentionDays: null,
      organisationRetentionDays: 2190,
    });
    const unknown = await refused('adminUpdateRoleAddress', address('role:nothing-here'));
    expect(unknown).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    // Nothing the admin typed reaches the chain but the address id.
    expect(JSON.stringify(await target.server.admin.auditRecords({ limit: 100_000 }))).not.toContain('Cardiology on');
  });

  it('refuses names that are empty, too long, or carry control, invisible or direction-changing characters', async () => {
    const bad = [
      { displayName: '   ' },
      { displayName: 'x'.repeat(201) },
      { department: 'd'.repeat(201) },
      { description: 'y'.repeat(501) },
      { displayName: 'On-call\u0007 bell' },
      { displayName: 'On-call\ncardiology' },
      { displayName: 'On-call \u202Eygoloidrac' },
      { displayName: 'On\u200Bcall' },
      { description: 'two  spaces' },
    ];
    for (const fields of bad) {
      for (const name of ['adminCreateRoleAddress', 'adminUpdateRoleAddress'] as const) {
        const answer = await refused(name, {
          ...address(name === 'adminCreateRoleAddress' ? 'role:bad' : ADDRESS),
          ...fields,
        });
        expect(answer, `${name} ${JSON.stringify(fields)}`).toMatchObject({
          status: 400,
          body: { error: 'MALFORMED_REQUEST' },
        });
      }
    }
    expect(await refused('adminGetRoleAddress', { addressId: 'role:bad' })).toMatchObject({ status: 404 });
    const ids = ['oncall', 'role:', 'role:Upper', 'role:a b', `role:${'a'.repeat(80)}`];
    for (const addressId of ids)
      expect((await refused('adminCreateRoleAddress', address(addressId))).body.error, addressId).toBe(
        'MALFORMED_REQUEST',
      );
  });

  it('adds and removes members who receive messages, once each, and refuses anyone else by a code', async () => {
    const records = await chainRecordsOf(async () => {
      expect(await call('adminAddRoleMember', { addressId: ADDRESS, userId: 'dr.patel' })).toEqual({ changed: true });
      expect(await call('adminAddRoleMember', { addressId: ADDRESS, userId: 'dr.patel' })).toEqual({ changed: false });
      expect(await call('adminAddRoleMember', { addressId: ADDRESS, userId: 'nurse.adams' })).toEqual({
        changed: true,
      });
      expect(await call('adminRemoveRoleMember', { addressId: ADDRESS, userId: 'nurse.adams' })).toEqual({
        changed: true,
      });
      expect(await call('adminRemoveRoleMember', { addressId: ADDRESS, userId: 'nurse.adams' })).toEqual({
        changed: false,
      });
    });
    expect(records).toEqual([
      { actor: byAdmin, object: roleObject('dr.patel'), reason: 'ROLE_MEMBER_ADDED' },
      { actor: byAdmin, object: roleObject('nurse.adams'), reason: 'ROLE_MEMBER_ADDED' },
      { actor: byAdmin, object: roleObject('nurse.adams'), reason: 'ROLE_MEMBER_REMOVED' },
    ]);
    // Compliance and IT take no part in messaging; nobody who does not exist can be a member.
    for (const userId of ['compliance.reed', 'it.schmidt'])
      expect(await refused('adminAddRoleMember', { addressId: ADDRESS, userId })).toEqual({
        status: 403,
        body: { error: 'RECIPIENT_NOT_PERMITTED', subjects: [userId] },
      });
    expect(await refused('adminAddRoleMember', { addressId: ADDRESS, userId: 'nobody.here' })).toEqual({
      status: 400,
      body: { error: 'UNKNOWN_RECIPIENT', subjects: ['nobody.here'] },
    });
    for (const name of ['adminAddRoleMember', 'adminRemoveRoleMember'] as const)
      expect(await refused(name, { addressId: 'role:nothing-here', userId: 'dr.patel' })).toMatchObject({
        status: 404,
        body: { error: 'NOT_FOUND' },
      });
    const { roleAddress } = await call('adminGetRoleAddress', { addressId: ADDRESS });
    expect(roleAddress.members).toEqual([
      { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician', active: true },
    ]);
    // Clinicians find the address with its member in the directory.
    const found = await target.api.ok('searchDirectory', { query: 'cardiology on', limit: 10 }, token(others[0]!));
    expect(found.entries).toEqual([
      expect.objectContaining({
        kind: 'role',
        addressId: ADDRESS,
        members: [expect.objectContaining({ userId: 'dr.patel' })],
      }),
    ]);
  });

  it('lists addresses by id or name, any case, a page at a time with member counts, and records each read', async () => {
    await call('adminCreateRoleAddress', address('role:oncall-renal', 'On-call renal'));
    await call('adminCreateRoleAddress', address('role:stroke-team', 'Stroke team'));
    const first = await call('adminSearchRoleAddresses', { query: '', after: null, limit: 2 });
    expect(first.roleAddresses.map((entry) => [entry.addressId, entry.memberCount])).toEqual([
      [ADDRESS, 1],
      ['role:oncall-renal', 0],
    ]);
    expect(first.more).toBe(true);
    const next = await call('adminSearchRoleAddresses', { query: '', after: 'role:oncall-renal', limit: 2 });
    expect(next).toEqual({ roleAddresses: [expect.objectContaining({ addressId: 'role:stroke-team' })], more: false });
    const byName = await call('adminSearchRoleAddresses', { query: 'STROKE', after: null, limit: 10 });
    expect(byName.roleAddresses.map((entry) => entry.addressId)).toEqual(['role:stroke-team']);
    for (const query of ['%', '_'])
      expect((await call('adminSearchRoleAddresses', { query, after: null, limit: 10 })).roleAddresses).toEqual([]);
    // The last read (`_`, nothing found) is on the chain, by the admin, as a count.
    await target.server.foldServerTrail();
    const searches = await target.server.admin.auditRecords({ action: 'search.performed', limit: 100_000 });
    expect(searches.at(-1)?.record).toMatchObject({ actor: byAdmin, object: { kind: 'search', resultCount: 0 } });
  });
});

describe.each(BACKENDS)('concurrent member changes on %s', (backend) => {
  let target: TestServer;
  let admin: TestUser;
  beforeAll(async () => {
    target = await startTestServer(backend, backend === 'postgres' ? { postgres: postgres() } : {});
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' });
    await signIn(target, admin);
    await target.api.ok('adminCreateRoleAddress', address(ADDRESS), token(admin));
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const memberEvents = async () =>
    (await target.server.admin.adminEvents()).filter((event) => event.action.startsWith('role-address.member-'));
  const twenty = (path: 'adminAddRoleMember' | 'adminRemoveRoleMember') =>
    Promise.all(
      Array.from({ length: 20 }, () => target.api.ok(path, { addressId: ADDRESS, userId: 'dr.patel' }, token(admin))),
    );

  it('adds a member once when twenty adds arrive at once, and removes them once likewise', async () => {
    const added = await twenty('adminAddRoleMember');
    expect(added.filter((answer) => answer.changed)).toHaveLength(1);
    const removed = await twenty('adminRemoveRoleMember');
    expect(removed.filter((answer) => answer.changed)).toHaveLength(1);
    expect((await memberEvents()).map((event) => [event.action, event.actor, event.targetUserId])).toEqual([
      ['role-address.member-added', 'it.schmidt', 'dr.patel'],
      ['role-address.member-removed', 'it.schmidt', 'dr.patel'],
    ]);
  });

  it('records exactly the changes that happened when adds and removes interleave', async () => {
    const before = (await memberEvents()).length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        target.api.ok(
          i % 2 === 0 ? 'adminAddRoleMember' : 'adminRemoveRoleMember',
          { addressId: ADDRESS, userId: 'dr.patel' },
          token(admin),
        ),
      ),
    );
    const events = (await memberEvents()).slice(before);
    expect(events).toHaveLength(answers.filter((answer) => answer.changed).length);
    // They alternate, as the changes could only have: added, removed, added…
    events.forEach((event, i) =>
      expect(event.action).toBe(i % 2 === 0 ? 'role-address.member-added' : 'role-address.member-removed'),
    );
    const { roleAddress } = await target.api.ok('adminGetRoleAddress', { addressId: ADDRESS }, token(admin));
    expect(roleAddress.memberCount).toBe(events.length % 2);
  });
});
