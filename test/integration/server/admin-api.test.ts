/**
 * The administration API over HTTP (shared/protocol/admin-api.ts), as an attacker would try it:
 * every admin route refuses every other role and a missing session; destructive routes refuse a
 * session that has not re-authenticated within five minutes, and re-authentication counts in the
 * sign-in throttle and spends its code once; each action is recorded naming the IT admin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '../../../shared/protocol/admin-api';
import type { RouteName } from '../../../shared/protocol/api';
import { REAUTHENTICATION_WINDOW_MS } from '../../../shared/protocol/route-spec';
import {
  authKeyOf,
  createUser,
  freshTotpCode,
  refreshProof,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

let target: TestServer;
let admin: TestUser;
let nurse: TestUser;
let others: TestUser[];

beforeAll(async () => {
  target = await startTestServer('pglite');
  admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  others = [
    nurse,
    await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' }),
    await createUser(target, { userId: 'desk.morgan', displayName: 'Rhys Morgan', role: 'front-desk' }),
    await createUser(target, { userId: 'compliance.reed', displayName: 'Ada Reed', role: 'compliance-officer' }),
  ];
  for (const user of [admin, ...others]) await signIn(target, user);
}, 60_000);

afterAll(async () => {
  await target.dispose();
});

const ADMIN_ROUTES = Object.keys(adminRoutes) as (keyof typeof adminRoutes & RouteName)[];
const bodyOf = (name: keyof typeof adminRoutes) => {
  switch (name) {
    case 'adminSearchAccounts':
      return { query: '', after: null, limit: 10 };
    case 'adminCreateAccount':
      return { userId: 'new.person', displayName: 'New Person', role: 'nurse', department: 'ED', title: 'RN' };
    case 'adminEndSession':
      return { userId: 'nurse.adams', sessionId: '00000000-0000-4000-8000-000000000000' };
    default:
      return { userId: 'nurse.adams' };
  }
};

/** Time passes for the admin's session as for a real client: its token refreshed each minute. */
async function passTime(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 60_000) {
    target.clock.advance(Math.min(left, 60_000));
    const session = admin.session;
    if (session === null) throw new Error('admin not signed in');
    const proof = await refreshProof(admin.device, session.sessionId, target.clock.now());
    const renewed = await target.api.ok('refresh', { proof }, session.token);
    admin.session = { ...session, token: renewed.token, expiresAt: renewed.expiresAt };
  }
}

/** A re-authentication for `user`'s current session, as the client sends it. */
async function reauthenticate(user: TestUser) {
  return target.api.ok(
    'reauthenticate',
    { authKey: await authKeyOf(target.api, user), code: freshTotpCode(target, user) },
    token(user),
  );
}

describe('who may call an admin route', () => {
  it('refuses every admin route without a session', async () => {
    for (const name of ADMIN_ROUTES) {
      const refused = await target.api.refused(name, bodyOf(name));
      expect(refused, name).toMatchObject({ status: 401, body: { error: 'UNAUTHENTICATED' } });
    }
  });

  it('refuses every admin route to nurses, physicians, front desk and compliance officers', async () => {
    for (const user of others) {
      // Even freshly re-authenticated: the role decides, not the proof.
      await reauthenticate(user);
      for (const name of ADMIN_ROUTES) {
        const refused = await target.api.refused(name, bodyOf(name), token(user));
        expect(refused, `${user.userId} ${name}`).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
      }
    }
    // And nothing happened to the nurse.
    const found = await target.api.ok('adminSearchAccounts', { query: 'nurse', after: null, limit: 10 }, token(admin));
    expect(found.accounts[0]).toMatchObject({ userId: 'nurse.adams', active: true });
  });
});

describe('accounts', () => {
  it('finds people by id or name, any case, a page at a time, and treats the query literally', async () => {
    const first = await target.api.ok('adminSearchAccounts', { query: '', after: null, limit: 2 }, token(admin));
    expect(first.accounts.map((a) => a.userId)).toEqual(['compliance.reed', 'desk.morgan']);
    expect(first.more).toBe(true);
    const next = await target.api.ok(
      'adminSearchAccounts',
      { query: '', after: 'desk.morgan', limit: 10 },
      token(admin),
    );
    expect(next.accounts.map((a) => a.userId)).toEqual(['dr.patel', 'it.schmidt', 'nurse.adams']);
    expect(next.more).toBe(false);
    const byName = await target.api.ok('adminSearchAccounts', { query: 'PATEL', after: null, limit: 10 }, token(admin));
    expect(byName.accounts).toEqual([
      expect.objectContaining({ userId: 'dr.patel', role: 'physician', active: true, locked: false, liveSessions: 1 }),
    ]);
    // `%` and `_` are characters to find, not wildcards.
    for (const query of ['%', '_', '\\'])
      expect(
        (await target.api.ok('adminSearchAccounts', { query, after: null, limit: 10 }, token(admin))).accounts,
      ).toEqual([]);
  });

  it('refuses a destructive action until the admin re-authenticates, and again five minutes later', async () => {
    // The sign-in itself was the last proof; let it age past the window.
    await passTime(REAUTHENTICATION_WINDOW_MS + 1000);
    for (const name of ['adminDeactivate', 'adminEndSessions'] as const) {
      const refused = await target.api.refused(name, { userId: 'dr.patel' }, token(admin));
      expect(refused, name).toMatchObject({ status: 403, body: { error: 'REAUTHENTICATION_REQUIRED' } });
    }
    await reauthenticate(admin);
    expect(await target.api.ok('adminEndSessions', { userId: 'dr.patel' }, token(admin))).toEqual({ sessionsEnded: 1 });
    await passTime(REAUTHENTICATION_WINDOW_MS + 1000);
    const stale = await target.api.refused('adminEndSessions', { userId: 'dr.patel' }, token(admin));
    expect(stale.body.error).toBe('REAUTHENTICATION_REQUIRED');
    // Not destructive: an unlock needs no fresh proof.
    expect(await target.api.ok('adminUnlock', { userId: 'dr.patel' }, token(admin))).toEqual({ wasLocked: false });
  });

  it('deactivates a person, ending their live session at once, and reactivates them', async () => {
    await reauthenticate(admin);
    expect(await target.api.ok('adminDeactivate', { userId: 'nurse.adams' }, token(admin))).toEqual({
      sessionsEnded: 1,
    });
    const refused = await target.api.refused('listSessions', {}, token(nurse));
    expect(refused.status).toBe(401);
    const found = await target.api.ok('adminSearchAccounts', { query: 'adams', after: null, limit: 10 }, token(admin));
    expect(found.accounts[0]).toMatchObject({ active: false, liveSessions: 0 });
    await target.api.ok('adminReactivate', { userId: 'nurse.adams' }, token(admin));
    await signIn(target, nurse);
    const events = await target.server.admin.accountEvents('nurse.adams');
    expect(events.map((event) => [event.action, event.actor])).toEqual(
      expect.arrayContaining([
        ['account.deactivated', 'it.schmidt'],
        ['account.reactivated', 'it.schmidt'],
      ]),
    );
  });

  it('says there is no such person for an unknown id, and never deactivates the admin signed in', async () => {
    await reauthenticate(admin);
    const unknown = await target.api.refused('adminDeactivate', { userId: 'nobody.here' }, token(admin));
    expect(unknown).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    const self = await target.api.refused('adminDeactivate', { userId: admin.userId }, token(admin));
    expect(self).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
  });
});

describe('sessions', () => {
  it("lists a person's live sessions and ends one, which stops working at once", async () => {
    await passTime(60_000);
    await signIn(target, nurse);
    const listed = await target.api.ok('adminListSessions', { userId: 'nurse.adams' }, token(admin));
    const current = listed.sessions.find((entry) => entry.sessionId === nurse.session?.sessionId);
    expect(current).toMatchObject({ deviceName: nurse.device.name });
    await reauthenticate(admin);
    // Another person's id with this session: no such session of theirs.
    const mismatched = await target.api.refused(
      'adminEndSession',
      { userId: 'dr.patel', sessionId: current?.sessionId },
      token(admin),
    );
    expect(mismatched).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    await target.api.ok(
      'adminEndSession',
      { userId: 'nurse.adams', sessionId: current?.sessionId ?? '' },
      token(admin),
    );
    expect((await target.api.refused('listSessions', {}, token(nurse))).status).toBe(401);
    const after = await target.api.ok('adminListSessions', { userId: 'nurse.adams' }, token(admin));
    expect(after.sessions.map((entry) => entry.sessionId)).not.toContain(current?.sessionId);
  });
});

describe('re-authentication', () => {
  it('refuses a wrong password or a wrong code, counting each like a failed sign-in', async () => {
    const wrongPassword = await target.api.refused(
      'reauthenticate',
      { authKey: Buffer.alloc(32, 7).toString('base64'), code: freshTotpCode(target, admin) },
      token(admin),
    );
    expect(wrongPassword.body.error).toBe('INVALID_CREDENTIALS');
    const wrongCode = await target.api.refused(
      'reauthenticate',
      { authKey: await authKeyOf(target.api, admin), code: '000000' },
      token(admin),
    );
    expect(['MFA_INVALID', 'THROTTLED']).toContain(wrongCode.body.error);
    expect((await target.server.admin.signInThrottle(admin.userId))?.failures).toBeGreaterThanOrEqual(2);
  });

  it('spends a code once: the same code sent twice at once re-authenticates one request only', async () => {
    await passTime(60_000);
    const authKey = await authKeyOf(target.api, admin);
    const code = freshTotpCode(target, admin);
    const answers = await Promise.allSettled(
      [0, 1].map(() => target.api.ok('reauthenticate', { authKey, code }, token(admin))),
    );
    expect(answers.filter((answer) => answer.status === 'fulfilled')).toHaveLength(1);
  });
});
