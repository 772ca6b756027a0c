/**
 * Workstations through the admin API (shared/protocol/admin-directory-api.ts): the list IT sees
 * (name, last person, last contact, version the client reported, revocation), and revocation as
 * an attacker holding the removed workstation would test it: its key signs nobody in, refreshes
 * nothing and syncs no audit records (`DEVICE_REVOKED`), every session on it ends at once and its
 * streams are told, revoking needs a fresh re-authentication, and a sign-in or refresh racing
 * the revocation never leaves a live session behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../../shared/protocol/api';
import { REAUTHENTICATION_WINDOW_MS } from '../../../shared/protocol/route-spec';
import { chainRecords, chainStart, signedBatch } from '../../support/audit-batches';
import { passTime, reauthenticate } from '../../support/admin-session';
import { usePostgres } from '../../support/postgres';
import {
  authKeyOf,
  BACKENDS,
  createUser,
  freshTotpCode,
  HOOK_TIMEOUT_MS,
  loginProof,
  newDevice,
  refreshProof,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const REVOKED = { status: 403, body: { error: 'DEVICE_REVOKED' } };

/** A login request for `user` on their device, as the client sends it. */
async function loginBody(target: TestServer, user: TestUser) {
  return {
    userId: user.userId,
    authKey: await authKeyOf(target.api, user),
    device: { publicKey: user.device.publicKey, name: user.device.name },
    proof: await loginProof(user.device, user.userId, target.clock.now()),
  };
}

describe('workstations through the admin API', () => {
  let target: TestServer;
  let admin: TestUser;
  let nurse: TestUser;
  let doctor: TestUser;

  beforeAll(async () => {
    target = await startTestServer('pglite');
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
    doctor = await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' });
    await signIn(target, admin);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const list = (limit = 100, after: { lastContactAt: number; deviceId: string } | null = null) =>
    target.api.ok('adminListWorkstations', { after, limit }, token(admin));
  const listed = async (deviceId: string) =>
    (await list()).workstations.find((workstation) => workstation.deviceId === deviceId);

  it('lists each workstation with its latest sign-in, last contact and the version its client reported', async () => {
    nurse.device = await newDevice('Ward 4B bay 2');
    // The client names its version in a header on every request (the fixture's client sends none).
    const versioned = { 'content-type': 'application/json', 'wardline-version': '1.4.2-rc.1' };
    const login = await target.api.raw('POST', routes.login.path, {
      headers: versioned,
      body: JSON.stringify(await loginBody(target, nurse)),
    });
    expect(login.status).toBe(200);
    const challenge = routes.login.response.parse(JSON.parse(login.text));
    if (challenge.step !== 'mfa') throw new Error('expected an MFA challenge');
    const verified = await target.api.raw('POST', routes.verifyMfa.path, {
      headers: versioned,
      body: JSON.stringify({ challengeId: challenge.challengeId, code: freshTotpCode(target, nurse) }),
    });
    const signedIn = routes.verifyMfa.response.parse(JSON.parse(verified.text));
    nurse.session = signedIn.session;
    const signedInAt = target.clock.now();
    expect(await listed(nurse.device.deviceId)).toEqual({
      deviceId: nurse.device.deviceId,
      name: 'Ward 4B bay 2',
      registeredAt: expect.any(Number) as number,
      lastContactAt: expect.any(Number) as number,
      lastUser: { userId: 'nurse.adams', displayName: 'Grace Adams' },
      appVersion: '1.4.2-rc.1',
      revokedAt: null,
      wipedAt: null,
    });
    // A refresh is contact, and a header that is no version is ignored, never stored.
    target.clock.advance(90_000);
    const refreshed = await target.api.raw('POST', routes.refresh.path, {
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token(nurse)}`,
        'wardline-version': '<script>',
      },
      body: JSON.stringify({
        proof: await refreshProof(nurse.device, signedIn.session.sessionId, target.clock.now()),
      }),
    });
    expect(refreshed.status).toBe(200);
    nurse.session = { ...signedIn.session, token: (JSON.parse(refreshed.text) as { token: string }).token };
    const after = await listed(nurse.device.deviceId);
    expect(after?.appVersion).toBe('1.4.2-rc.1');
    expect(after?.lastContactAt).toBeGreaterThanOrEqual(signedInAt + 90_000);
    // So is an audit batch, with nobody signed in, and it says which release sent it.
    await passTime(target, admin, 20 * 60_000);
    const entries = await chainRecords(nurse.device.deviceId, chainStart(), [
      { actor: { userId: 'nurse.adams', role: 'nurse' }, at: signedInAt },
    ]);
    const batch = await target.api.raw('POST', routes.auditBatch.path, {
      headers: { 'content-type': 'application/json', 'wardline-version': '1.5.0' },
      body: JSON.stringify(await signedBatch(nurse.device, entries)),
    });
    expect(batch.status).toBe(200);
    const synced = await listed(nurse.device.deviceId);
    expect(synced?.appVersion).toBe('1.5.0');
    expect(synced?.lastContactAt).toBeGreaterThanOrEqual(signedInAt + 21 * 60_000);
  });

  it('lists the most recently heard from first, a page at a time', async () => {
    target.clock.advance(60_000);
    await signIn(target, doctor);
    const all = (await list()).workstations;
    // The doctor's sign-in is newer than the nurse's (the admin's own listing is newer still).
    const place = (deviceId: string) => all.findIndex((workstation) => workstation.deviceId === deviceId);
    expect(place(doctor.device.deviceId)).toBeLessThan(place(nurse.device.deviceId));
    expect(place(doctor.device.deviceId)).toBeGreaterThanOrEqual(0);
    const contacts = all.map((workstation) => workstation.lastContactAt);
    expect(contacts).toEqual([...contacts].sort((a, b) => b - a));
    const first = await list(1);
    expect(first.more).toBe(true);
    const cursor = first.workstations[0]!;
    const rest = await list(100, { lastContactAt: cursor.lastContactAt, deviceId: cursor.deviceId });
    expect([cursor, ...rest.workstations].map((w) => w.deviceId)).toEqual(all.map((w) => w.deviceId));
    expect(rest.more).toBe(false);
  });

  it('revokes only after a fresh re-authentication, never the admin’s own workstation or an unknown one', async () => {
    await passTime(target, admin, REAUTHENTICATION_WINDOW_MS + 1000);
    const stale = await target.api.refused(
      'adminRevokeWorkstation',
      { deviceId: doctor.device.deviceId },
      token(admin),
    );
    expect(stale).toMatchObject({ status: 403, body: { error: 'REAUTHENTICATION_REQUIRED' } });
    expect((await listed(doctor.device.deviceId))?.revokedAt).toBeNull();
    await reauthenticate(target, admin);
    const own = await target.api.refused('adminRevokeWorkstation', { deviceId: admin.device.deviceId }, token(admin));
    expect(own).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    const unknown = await target.api.refused(
      'adminRevokeWorkstation',
      { deviceId: '00000000-0000-4000-8000-00000000dead' },
      token(admin),
    );
    expect(unknown).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
  });

  it('revokes a workstation: its sessions end at once, its streams are told, its key opens nothing', async () => {
    // The nurse signs in again at the doctor's workstation: two people's sessions on one device.
    const shared = { ...nurse, device: doctor.device };
    await signIn(target, shared);
    const stream = await target.stream(token(doctor));
    stream.resume(0);
    await stream.untilReady();
    await target.server.foldServerTrail();
    const before = (await target.server.admin.auditRecords({ limit: 100_000 })).length;

    await reauthenticate(target, admin);
    const revoked = await target.api.ok('adminRevokeWorkstation', { deviceId: doctor.device.deviceId }, token(admin));
    expect(revoked).toEqual({ changed: true, sessionsEnded: 2 });
    expect(await stream.next()).toEqual({ type: 'session-ended', reason: 'revoked' });

    // Every use of the key or its sessions says why, to whoever holds them.
    expect(await target.api.refused('listSessions', {}, token(doctor))).toEqual(REVOKED);
    const proof = await refreshProof(doctor.device, doctor.session!.sessionId, target.clock.now());
    expect(await target.api.refused('refresh', { proof }, token(doctor))).toEqual(REVOKED);
    expect(await target.api.refused('login', await loginBody(target, doctor))).toEqual(REVOKED);
    expect(await target.api.refused('login', await loginBody(target, shared))).toEqual(REVOKED);
    const entries = await chainRecords(doctor.device.deviceId, chainStart(), [
      { actor: { userId: 'dr.patel', role: 'physician' } },
    ]);
    expect(await target.api.refused('auditBatch', await signedBatch(doctor.device, entries))).toEqual(REVOKED);
    // A stranger with a key of their own learns nothing about the device.
    const stranger = { ...doctor, device: { ...(await newDevice()), deviceId: doctor.device.deviceId } };
    expect((await target.api.refused('login', await loginBody(target, stranger))).body.error).toBe(
      'DEVICE_PROOF_INVALID',
    );
    // The same person elsewhere is unaffected.
    doctor.device = await newDevice('Cardiology office');
    await signIn(target, doctor);

    // Again: nothing changes and nothing more is recorded.
    expect(await target.api.ok('adminRevokeWorkstation', { deviceId: shared.device.deviceId }, token(admin))).toEqual({
      changed: false,
      sessionsEnded: 0,
    });
    expect((await listed(shared.device.deviceId))?.revokedAt).toEqual(expect.any(Number));

    await target.server.foldServerTrail();
    const records = (await target.server.admin.auditRecords({ limit: 100_000 })).slice(before).map((e) => e.record);
    const revocations = records.filter((record) => record.action === 'admin.action');
    expect(revocations).toEqual([
      expect.objectContaining({
        actor: { userId: 'it.schmidt', role: 'it-admin' },
        object: { kind: 'workstation', id: shared.device.deviceId, userId: null },
        reason: 'DEVICE_REVOKED',
      }),
    ]);
    const ended = records.filter((record) => record.action === 'session.ended');
    expect(ended.map((record) => (record.object.kind === 'session' ? record.object.userId : null)).sort()).toEqual([
      'dr.patel',
      'nurse.adams',
    ]);
    expect(ended.every((record) => record.reason === 'SESSION_REVOKED')).toBe(true);
  });
});

describe.each(BACKENDS)('revocation racing the workstation on %s', (backend) => {
  let target: TestServer;
  let admin: TestUser;
  beforeAll(async () => {
    target = await startTestServer(backend, backend === 'postgres' ? { postgres: postgres() } : {});
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    await signIn(target, admin);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  /** A nurse signed in once on a device of her own (so it is registered), and a fresh re-authentication. */
  async function registered(round: number): Promise<TestUser> {
    const user = await createUser(target, { userId: `nurse.r${String(round)}`, displayName: 'Grace Adams' });
    await signIn(target, user);
    // The admin's token renewed (the rounds move the clock on for fresh codes), then re-authenticated.
    await passTime(target, admin, 1);
    await reauthenticate(target, admin);
    return user;
  }
  const revoke = (user: TestUser) =>
    target.api.raw('POST', routes.adminRevokeWorkstation.path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(admin)}` },
      body: JSON.stringify({ deviceId: user.device.deviceId }),
    });
  /** Whatever won, nothing of the user's is live on the revoked device afterwards. */
  async function nothingLiveOn(user: TestUser) {
    const { sessions } = await target.api.ok('adminListSessions', { userId: user.userId }, token(admin));
    expect(sessions.filter((session) => session.deviceId === user.device.deviceId)).toEqual([]);
  }

  it('never leaves a session open that a sign-in completed while the revocation committed', async () => {
    const outcomes = new Set<number>();
    for (let round = 0; round < 6; round += 1) {
      const user = await registered(round);
      const login = await target.api.ok('login', await loginBody(target, user));
      if (login.step !== 'mfa') throw new Error('expected an MFA challenge');
      const code = freshTotpCode(target, user);
      const [verified, revoked] = await Promise.all([
        target.api.raw('POST', routes.verifyMfa.path, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ challengeId: login.challengeId, code }),
        }),
        revoke(user),
      ]);
      expect(revoked.status).toBe(200);
      outcomes.add(verified.status);
      if (verified.status === 200) {
        // It signed in first: the revocation ended that session too.
        const { session } = routes.verifyMfa.response.parse(JSON.parse(verified.text));
        expect(await target.api.refused('listSessions', {}, session.token)).toEqual(REVOKED);
      } else {
        expect(JSON.parse(verified.text)).toEqual({ error: 'DEVICE_REVOKED' });
      }
      await nothingLiveOn(user);
    }
    // Either order is fine; both kinds of answer are the only ones.
    expect([...outcomes].every((status) => status === 200 || status === 403)).toBe(true);
  });

  it('never leaves a token working that a refresh issued while the revocation committed', async () => {
    for (let round = 10; round < 16; round += 1) {
      const user = await registered(round);
      const session = user.session!;
      const proof = await refreshProof(user.device, session.sessionId, target.clock.now());
      const [refreshed] = await Promise.all([
        target.api.raw('POST', routes.refresh.path, {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body: JSON.stringify({ proof }),
        }),
        revoke(user),
      ]);
      const current =
        refreshed.status === 200 ? (JSON.parse(refreshed.text) as { token: string }).token : session.token;
      if (refreshed.status !== 200) expect(JSON.parse(refreshed.text)).toEqual({ error: 'DEVICE_REVOKED' });
      expect(await target.api.refused('listSessions', {}, current)).toEqual(REVOKED);
      await nothingLiveOn(user);
    }
  });
});
