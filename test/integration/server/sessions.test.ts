/**
 * Sessions after sign-in: short-lived tokens, refresh with the device key, the hard maximum
 * age, logout and revocation (a replayed token is refused), listing and ending one's own
 * sessions, and deactivation, which ends every session and tells open streams why.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TTL_MS, SESSION_MAX_AGE_MS } from '../../../shared/protocol/auth';
import { usePostgres } from '../../support/postgres';
import { streamRefusal } from '../../support/server-client';
import {
  authKeyOf,
  BACKENDS,
  createUser,
  loginProof,
  newDevice,
  refreshProof,
  signIn,
  startTestServer,
  token,
  type TestServer,
  HOOK_TIMEOUT_MS,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const UNAUTHENTICATED = { status: 401, body: { error: 'UNAUTHENTICATED' } };

describe.each(BACKENDS)('sessions on %s', (backend) => {
  let target: TestServer;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const signedIn = async (displayName = 'Grace Adams') => {
    const user = await createUser(target, { userId: `s${randomUUID().slice(0, 8)}`, displayName });
    await signIn(target, user);
    return user;
  };

  it('refuses a token once its time is up', async () => {
    const grace = await signedIn();
    target.clock.advance(ACCESS_TOKEN_TTL_MS - 1000);
    await target.api.ok('listSessions', {}, token(grace));
    target.clock.advance(2000);
    expect(await target.api.refused('listSessions', {}, token(grace))).toEqual(UNAUTHENTICATED);
  });

  it('refreshes with a device proof: a new token, the old one dead at once', async () => {
    const grace = await signedIn();
    const session = grace.session!;
    const now = target.clock.now();
    const refreshed = await target.api.ok(
      'refresh',
      { proof: await refreshProof(grace.device, session.sessionId, now) },
      session.token,
    );
    expect(refreshed.token).not.toBe(session.token);
    expect(refreshed.expiresAt).toBeGreaterThanOrEqual(now + ACCESS_TOKEN_TTL_MS);
    expect(await target.api.refused('listSessions', {}, session.token)).toEqual(UNAUTHENTICATED);
    const { sessions } = await target.api.ok('listSessions', {}, refreshed.token);
    expect(sessions.map((entry) => entry.sessionId)).toEqual([session.sessionId]);
  });

  it('refuses a refresh signed by another key or for another device or session', async () => {
    const grace = await signedIn();
    const session = grace.session!;
    const now = target.clock.now();
    const stranger = await newDevice();
    const wrongKey = { ...(await refreshProof(stranger, session.sessionId, now)), deviceId: grace.device.deviceId };
    const otherDevice = await refreshProof(stranger, session.sessionId, now);
    const otherSession = await refreshProof(grace.device, randomUUID(), now);
    const stale = await refreshProof(grace.device, session.sessionId, now - 3 * 60_000);
    for (const proof of [wrongKey, otherDevice, otherSession, stale]) {
      expect(await target.api.refused('refresh', { proof }, session.token)).toEqual({
        status: 401,
        body: { error: 'DEVICE_PROOF_INVALID' },
      });
    }
    await target.api.ok('listSessions', {}, session.token);
  });

  it('never extends a session past its maximum age, however often it is refreshed', async () => {
    const grace = await signedIn();
    const session = grace.session!;
    let current = session.token;
    let expiresAt = session.expiresAt;
    while (target.clock.now() + ACCESS_TOKEN_TTL_MS < session.maxExpiresAt) {
      target.clock.advance(ACCESS_TOKEN_TTL_MS - 60_000);
      const refreshed = await target.api.ok(
        'refresh',
        { proof: await refreshProof(grace.device, session.sessionId, target.clock.now()) },
        current,
      );
      current = refreshed.token;
      expiresAt = refreshed.expiresAt;
    }
    expect(expiresAt).toBeLessThanOrEqual(session.maxExpiresAt);
    expect(session.maxExpiresAt - session.expiresAt).toBe(SESSION_MAX_AGE_MS - ACCESS_TOKEN_TTL_MS);
    const last = await target.api.ok(
      'refresh',
      { proof: await refreshProof(grace.device, session.sessionId, target.clock.now()) },
      current,
    );
    expect(last.expiresAt).toBe(session.maxExpiresAt);
    target.clock.advance(session.maxExpiresAt - target.clock.now());
    expect(await target.api.refused('listSessions', {}, last.token)).toEqual(UNAUTHENTICATED);
  });

  it('logs out: the token replayed afterwards is refused, and so is a stream with it', async () => {
    const grace = await signedIn();
    const stream = await target.stream(token(grace));
    stream.resume(0);
    await stream.untilReady();
    await target.api.ok('logout', {}, token(grace));
    expect(await stream.next()).toEqual({ type: 'session-ended', reason: 'signed-out' });
    expect((await stream.closed).code).toBe(4401);
    expect(await target.api.refused('listSessions', {}, token(grace))).toEqual(UNAUTHENTICATED);
    expect(await target.api.refused('logout', {}, token(grace))).toEqual(UNAUTHENTICATED);
    expect(await streamRefusal(target.server.url, target.caPem, { authorization: `Bearer ${token(grace)}` })).toBe(401);
  });

  it('lists the caller’s live sessions and ends one of them, but never someone else’s', async () => {
    const grace = await signedIn();
    const first = grace.session!;
    grace.device = await newDevice('Cardiology office PC');
    const second = await signIn(target, grace);
    const other = await signedIn('Chidi Okafor');

    const { sessions } = await target.api.ok('listSessions', {}, second.token);
    expect(sessions.map((entry) => [entry.sessionId, entry.deviceName, entry.current]).sort()).toEqual(
      [
        [first.sessionId, 'Ward 4B workstation', false],
        [second.sessionId, 'Cardiology office PC', true],
      ].sort(),
    );
    expect(await target.api.refused('endSession', { sessionId: other.session!.sessionId }, second.token)).toEqual({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
    expect(await target.api.refused('endSession', { sessionId: randomUUID() }, second.token)).toEqual({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
    await target.api.ok('listSessions', {}, token(other));

    await target.api.ok('endSession', { sessionId: first.sessionId }, second.token);
    expect(await target.api.refused('listSessions', {}, first.token)).toEqual(UNAUTHENTICATED);
    expect((await target.server.admin.accountEvents(grace.userId)).map((event) => [event.actor, event.action])).toEqual(
      [[grace.userId, 'session.ended-by-user']],
    );
    expect((await target.api.ok('listSessions', {}, second.token)).sessions.map((entry) => entry.sessionId)).toEqual([
      second.sessionId,
    ]);
  });

  it('revokes every session of an account from the admin API, telling open streams', async () => {
    const grace = await signedIn();
    const stream = await target.stream(token(grace));
    stream.resume(0);
    await stream.untilReady();
    expect(await target.server.admin.revokeSessions(grace.userId)).toBe(1);
    expect(await stream.next()).toEqual({ type: 'session-ended', reason: 'revoked' });
    // The server keeps who ended whose access, and when.
    expect(await target.server.admin.accountEvents(grace.userId)).toEqual([
      {
        at: expect.any(Number) as number,
        actor: 'server-operator',
        action: 'sessions.revoked',
        targetUserId: grace.userId,
        sessionsEnded: 1,
      },
    ]);
    expect(await target.api.refused('listSessions', {}, token(grace))).toEqual(UNAUTHENTICATED);
    await signIn(target, grace);
  });

  it('deactivates an account: its sessions end, its streams hear why, and it cannot sign in again', async () => {
    const grace = await signedIn();
    const bystander = await signedIn('Chidi Okafor');
    const stream = await target.stream(token(grace));
    const otherStream = await target.stream(token(bystander));
    for (const opened of [stream, otherStream]) {
      opened.resume(0);
      await opened.untilReady();
    }
    await target.server.admin.deactivate(grace.userId);
    expect(await stream.next()).toEqual({ type: 'session-ended', reason: 'deactivated' });
    expect(
      (await target.server.admin.accountEvents(grace.userId)).map((event) => [event.action, event.sessionsEnded]),
    ).toEqual([['account.deactivated', 1]]);
    expect(await target.api.refused('listSessions', {}, token(grace))).toEqual(UNAUTHENTICATED);
    const login = await target.api.refused('login', {
      userId: grace.userId,
      authKey: await authKeyOf(target.api, grace),
      device: { publicKey: grace.device.publicKey, name: grace.device.name },
      proof: await loginProof(grace.device, grace.userId, target.clock.now()),
    });
    expect(login).toEqual({ status: 403, body: { error: 'ACCOUNT_DISABLED' } });
    await otherStream.silentFor(200);
    await target.api.ok('listSessions', {}, token(bystander));
  });

  it('ends a stream whose session expired, with the reason', async () => {
    const grace = await signedIn();
    const stream = await target.stream(token(grace));
    stream.resume(0);
    await stream.untilReady();
    target.clock.advance(ACCESS_TOKEN_TTL_MS + 1000);
    await target.server.admin.sweepExpired();
    expect(await stream.next()).toEqual({ type: 'session-ended', reason: 'expired' });
  });
});
