/**
 * The IT admin's own log over HTTP (shared/protocol/admin-log-api.ts), as an attacker would try
 * it: only an `it-admin` session reads it; it answers the caller's own actions from the server's
 * chain, newest first and paged, never another admin's, never a workstation's claim made in the
 * admin's name, never the lookups; and reading it is recorded like every other lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminLogEntry } from '../../../shared/protocol/admin-log-api';
import { chainRecords, chainStart, signedBatch } from '../../support/audit-batches';
import {
  authKeyOf,
  createUser,
  freshTotpCode,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

let target: TestServer;
let admin: TestUser;
let otherAdmin: TestUser;
let nurse: TestUser;
let others: TestUser[];

beforeAll(async () => {
  target = await startTestServer('pglite');
  admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
  otherAdmin = await createUser(target, { userId: 'it.okoro', displayName: 'Ife Okoro', role: 'it-admin' });
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  others = [
    nurse,
    await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' }),
    await createUser(target, { userId: 'desk.morgan', displayName: 'Rhys Morgan', role: 'front-desk' }),
    await createUser(target, { userId: 'compliance.reed', displayName: 'Ada Reed', role: 'compliance-officer' }),
  ];
  for (const user of [admin, otherAdmin, ...others]) await signIn(target, user);
}, 60_000);

afterAll(async () => {
  await target.dispose();
});

const recent = (user: TestUser, before: number | null = null, limit = 50) =>
  target.api.ok('adminRecentActions', { before, limit }, token(user));

async function reauthenticate(user: TestUser) {
  await target.api.ok(
    'reauthenticate',
    { authKey: await authKeyOf(target.api, user), code: freshTotpCode(target, user) },
    token(user),
  );
}

describe('who may read the log', () => {
  it('refuses it without a session, and to nurses, physicians, front desk and compliance officers', async () => {
    const anonymous = await target.api.refused('adminRecentActions', { before: null, limit: 10 });
    expect(anonymous).toMatchObject({ status: 401, body: { error: 'UNAUTHENTICATED' } });
    for (const user of others) {
      const refused = await target.api.refused('adminRecentActions', { before: null, limit: 10 }, token(user));
      expect(refused, user.userId).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    }
  });

  it('takes no actor from the request: an extra field is a malformed request', async () => {
    const refused = await target.api.refused(
      'adminRecentActions',
      { before: null, limit: 10, actor: otherAdmin.userId },
      token(admin),
    );
    expect(refused.status).toBe(400);
  });
});

describe("the admin's own actions", () => {
  it('answers them newest first from the server chain, with the object and outcome, and pages by tree index', async () => {
    await reauthenticate(admin);
    await target.api.ok('adminUnlock', { userId: 'dr.patel' }, token(admin));
    await target.api.ok('adminDeactivate', { userId: 'nurse.adams' }, token(admin));
    await target.api.ok('adminReactivate', { userId: 'nurse.adams' }, token(admin));
    // Another admin's action, a lookup, and a workstation's record claiming an admin action in
    // this admin's name: none of them is this admin's log.
    await target.api.ok('adminUnlock', { userId: 'desk.morgan' }, token(otherAdmin));
    await target.api.ok('adminSearchAccounts', { query: '', after: null, limit: 10 }, token(admin));
    const claimed = await chainRecords(admin.device.deviceId, chainStart(), [
      {
        actor: { userId: admin.userId, role: 'it-admin' },
        action: 'admin.action',
        object: { kind: 'account', id: 'compliance.reed' },
        reason: 'ACCOUNT_DEACTIVATED',
      },
    ]);
    await target.api.ok('auditBatch', await signedBatch(admin.device, claimed));
    await target.server.foldServerTrail();

    const { entries, more } = await recent(admin);
    expect(more).toBe(false);
    expect(entries.map((entry) => [entry.reason, entry.object, entry.outcome])).toEqual([
      ['ACCOUNT_REACTIVATED', { kind: 'account', id: 'nurse.adams' }, 'success'],
      ['ACCOUNT_DEACTIVATED', { kind: 'account', id: 'nurse.adams' }, 'success'],
      ['ACCOUNT_UNLOCKED', { kind: 'account', id: 'dr.patel' }, 'success'],
    ]);
    const indexes = entries.map((entry) => entry.treeIndex);
    expect([...indexes].sort((a, b) => b - a)).toEqual(indexes);
    for (const entry of entries) expect(Math.abs(entry.at - target.clock.now())).toBeLessThan(60_000);

    const first = await recent(admin, null, 2);
    expect(first.more).toBe(true);
    const last = first.entries.at(-1) as AdminLogEntry;
    const second = await recent(admin, last.treeIndex, 2);
    expect(second).toEqual({ entries: [entries[2]], more: false });

    // The same records, as the compliance view finds them: the server chain's, naming the admin.
    const chain = await target.server.admin.auditRecords({ userId: admin.userId, action: 'admin.action' });
    const onServerChain = chain.filter((entry) => entry.record.workstationId !== admin.device.deviceId);
    // The workstation's claim is stored (so the log left it out, not the intake).
    expect(chain.length - onServerChain.length).toBe(1);
    expect(onServerChain.map((entry) => entry.treeIndex).sort((a, b) => b - a)).toEqual(indexes);

    expect((await recent(otherAdmin)).entries.map((entry) => [entry.reason, entry.object])).toEqual([
      ['ACCOUNT_UNLOCKED', { kind: 'account', id: 'desk.morgan' }],
    ]);
  });

  it('records each read of the log as a lookup by its result count, naming the admin', async () => {
    await target.server.foldServerTrail();
    const before = await target.server.admin.auditRecords({ userId: otherAdmin.userId, action: 'search.performed' });
    await recent(otherAdmin);
    await target.server.foldServerTrail();
    const after = await target.server.admin.auditRecords({ userId: otherAdmin.userId, action: 'search.performed' });
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)?.record).toMatchObject({
      actor: { userId: otherAdmin.userId, role: 'it-admin' },
      object: { kind: 'search', resultCount: 1 },
    });
  });

  it('answers an admin who did nothing with an empty log', async () => {
    const fresh = await createUser(target, { userId: 'it.new', displayName: 'New Admin', role: 'it-admin' });
    await signIn(target, fresh);
    expect(await recent(fresh)).toEqual({ entries: [], more: false });
  });
});
