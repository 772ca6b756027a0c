/**
 * Accounts and sign-in against a real server on each backend: prelogin that does not reveal
 * which ids exist, the password step with a device proof, TOTP (and its enrollment), replay and
 * expiry of codes and challenges. Throttling and lockout: sign-in-throttle.test.ts.
 */
import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MFA_CHALLENGE_TTL_MS, PROOF_WINDOW_MS } from '../../../shared/protocol/auth';
import { usePostgres } from '../../support/postgres';
import type { ApiClient } from '../../support/server-client';
import {
  authKeyOf,
  BACKENDS,
  createUser,
  freshTotpCode,
  loginProof,
  newDevice,
  signIn,
  startTestServer,
  TEST_ACCOUNT_KDF,
  type TestServer,
  type TestUser,
  HOOK_TIMEOUT_MS,
} from '../../support/server-fixtures';

const MINUTE = 60_000;
const postgres = usePostgres();

let addressCounter = 10;
/** A loopback source address no other test uses, so throttle counters per address stay apart. */
const ownAddress = () => `127.0.${String(Math.floor(addressCounter / 250))}.${String((addressCounter++ % 250) + 2)}`;

describe.each(BACKENDS)('sign-in on %s', (backend) => {
  let target: TestServer;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const user = (displayName: string, options: { totpSecret?: string | null } = {}) =>
    createUser(target, { userId: `u${randomUUID().slice(0, 8)}`, displayName, ...options });

  async function attempt(api: ApiClient, who: Pick<TestUser, 'userId' | 'device'>, authKey: string) {
    return api.refused('login', {
      userId: who.userId,
      authKey,
      device: { publicKey: who.device.publicKey, name: who.device.name },
      proof: await loginProof(who.device, who.userId, target.clock.now()),
    });
  }
  const wrongKey = () => Buffer.alloc(32, 7).toString('base64');

  describe('prelogin', () => {
    it('answers unknown ids in the same shape as known ones, with a salt stable per id', async () => {
      const known = await user('Grace Adams');
      const real = await target.api.ok('prelogin', { userId: known.userId });
      const fake = await target.api.ok('prelogin', { userId: 'no.such.person' });
      const fakeAgain = await target.api.ok('prelogin', { userId: 'no.such.person' });
      const otherFake = await target.api.ok('prelogin', { userId: 'no.such.person2' });
      expect(Object.keys(fake).sort()).toEqual(Object.keys(real).sort());
      expect(fake.kdf).toEqual(real.kdf);
      expect(real.kdf).toEqual(TEST_ACCOUNT_KDF);
      expect(Buffer.from(fake.salt, 'base64')).toHaveLength(16);
      expect(fakeAgain.salt).toBe(fake.salt);
      expect(otherFake.salt).not.toBe(fake.salt);
      expect(fake.salt).not.toBe(real.salt);
      expect((await target.api.ok('prelogin', { userId: known.userId })).salt).toBe(real.salt);
    });

    it('refuses a malformed id as MALFORMED_REQUEST', async () => {
      expect(await target.api.refused('prelogin', { userId: 'Not An Id!' })).toEqual({
        status: 400,
        body: { error: 'MALFORMED_REQUEST' },
      });
    });
  });

  describe('password and TOTP', () => {
    it('signs in with the auth key the client derives, then a TOTP code', async () => {
      const grace = await user('Grace Adams');
      const authKey = await authKeyOf(target.api, grace);
      const now = target.clock.now();
      const login = await target.api.ok('login', {
        userId: grace.userId,
        authKey,
        device: { publicKey: grace.device.publicKey, name: grace.device.name },
        proof: await loginProof(grace.device, grace.userId, now),
      });
      if (login.step !== 'mfa') throw new Error(`expected the mfa step, got ${login.step}`);
      expect(login.expiresAt).toBeGreaterThanOrEqual(now + MFA_CHALLENGE_TTL_MS);
      expect(login.expiresAt).toBeLessThan(now + MFA_CHALLENGE_TTL_MS + MINUTE);
      const { session } = await target.api.ok('verifyMfa', {
        challengeId: login.challengeId,
        code: freshTotpCode(target, grace),
      });
      expect(session.account).toEqual({
        userId: grace.userId,
        displayName: 'Grace Adams',
        role: 'nurse',
        department: 'Cardiology Ward 4B',
        title: 'Registered Nurse',
      });
      expect(session.identity).toBeNull();
      expect(Buffer.from(session.token, 'base64url')).toHaveLength(32);
      const { sessions } = await target.api.ok('listSessions', {}, session.token);
      expect(sessions).toEqual([
        expect.objectContaining({
          sessionId: session.sessionId,
          deviceId: grace.device.deviceId,
          deviceName: grace.device.name,
          current: true,
        }),
      ]);
    });

    it('enrolls TOTP on the first sign-in of an account without it, confirmed by the first valid code', async () => {
      const chidi = await user('Chidi Okafor', { totpSecret: null });
      const authKey = await authKeyOf(target.api, chidi);
      const loginOnce = async () =>
        target.api.ok('login', {
          userId: chidi.userId,
          authKey,
          device: { publicKey: chidi.device.publicKey, name: chidi.device.name },
          proof: await loginProof(chidi.device, chidi.userId, target.clock.now()),
        });
      const abandoned = await loginOnce();
      const first = await loginOnce();
      if (abandoned.step !== 'enroll-mfa' || first.step !== 'enroll-mfa') throw new Error('expected enrollment');
      const abandonedUri = OTPAuth.URI.parse(abandoned.otpauthUri) as OTPAuth.TOTP;
      const uri = OTPAuth.URI.parse(first.otpauthUri) as OTPAuth.TOTP;
      expect(uri).toBeInstanceOf(OTPAuth.TOTP);
      expect(uri.issuer).toBe('Wardline');
      expect(uri.label).toBe(chidi.userId);
      expect([uri.digits, uri.period, uri.algorithm]).toEqual([6, 30, 'SHA1']);
      expect(uri.secret.base32).not.toBe(abandonedUri.secret.base32);
      // A code for the abandoned secret does not confirm the new enrollment.
      expect(
        await target.api.refused('verifyMfa', {
          challengeId: first.challengeId,
          code: freshTotpCode(target, chidi, abandonedUri.secret.base32),
        }),
      ).toEqual({
        status: 401,
        body: { error: 'MFA_INVALID' },
      });
      chidi.totpSecret = uri.secret.base32;
      await target.api.ok('verifyMfa', { challengeId: first.challengeId, code: freshTotpCode(target, chidi) });
      // Enrolled now: the next sign-in asks for a code of that same secret.
      const next = await loginOnce();
      expect(next.step).toBe('mfa');
      if (next.step !== 'mfa') return;
      await target.api.ok('verifyMfa', { challengeId: next.challengeId, code: freshTotpCode(target, chidi) });
    });

    it('refuses a wrong auth key, and an unknown id, alike: INVALID_CREDENTIALS', async () => {
      const api = target.apiFrom(ownAddress());
      const grace = await user('Grace Adams');
      expect(await attempt(api, grace, wrongKey())).toEqual({ status: 401, body: { error: 'INVALID_CREDENTIALS' } });
      const nobody = { userId: 'nobody.here', device: await newDevice() };
      expect(await attempt(api, nobody, await authKeyOf(api, { userId: 'nobody.here', password: 'guess' }))).toEqual({
        status: 401,
        body: { error: 'INVALID_CREDENTIALS' },
      });
    });

    it('refuses a wrong code, a reused code and an expired or unknown challenge', async () => {
      const api = target.apiFrom(ownAddress());
      const grace = await user('Grace Adams');
      const challenge = async () => {
        const login = await api.ok('login', {
          userId: grace.userId,
          authKey: await authKeyOf(api, grace),
          device: { publicKey: grace.device.publicKey, name: grace.device.name },
          proof: await loginProof(grace.device, grace.userId, target.clock.now()),
        });
        if (login.step !== 'mfa') throw new Error('expected the mfa step');
        return login.challengeId;
      };
      const code = freshTotpCode(target, grace);
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const first = await challenge();
      expect(await api.refused('verifyMfa', { challengeId: first, code: wrong })).toEqual({
        status: 401,
        body: { error: 'MFA_INVALID' },
      });
      await api.ok('verifyMfa', { challengeId: first, code });
      // The same code (same step) again, on a new challenge: refused. A used challenge is gone.
      expect(await api.refused('verifyMfa', { challengeId: await challenge(), code })).toEqual({
        status: 401,
        body: { error: 'MFA_INVALID' },
      });
      expect(await api.refused('verifyMfa', { challengeId: first, code: freshTotpCode(target, grace) })).toEqual({
        status: 401,
        body: { error: 'MFA_EXPIRED' },
      });

      const late = await challenge();
      target.clock.advance(MFA_CHALLENGE_TTL_MS + 1000);
      expect(await api.refused('verifyMfa', { challengeId: late, code: freshTotpCode(target, grace) })).toEqual({
        status: 401,
        body: { error: 'MFA_EXPIRED' },
      });
      expect(await api.refused('verifyMfa', { challengeId: randomUUID(), code: '123456' })).toEqual({
        status: 401,
        body: { error: 'MFA_EXPIRED' },
      });
    });
  });

  describe('device proof', () => {
    it('refuses a bad signature, a stale timestamp, and a known device id with another key', async () => {
      const grace = await user('Grace Adams');
      const authKey = await authKeyOf(target.api, grace);
      const device = { publicKey: grace.device.publicKey, name: grace.device.name };
      const now = target.clock.now();
      const otherDevice = await newDevice();
      const forged = { ...(await loginProof(otherDevice, grace.userId, now)), deviceId: grace.device.deviceId };
      expect(await target.api.refused('login', { userId: grace.userId, authKey, device, proof: forged })).toEqual({
        status: 401,
        body: { error: 'DEVICE_PROOF_INVALID' },
      });
      const stale = await loginProof(grace.device, grace.userId, now - PROOF_WINDOW_MS - 1000);
      expect(await target.api.refused('login', { userId: grace.userId, authKey, device, proof: stale })).toEqual({
        status: 401,
        body: { error: 'DEVICE_PROOF_INVALID' },
      });
      const forOtherUser = await loginProof(grace.device, 'someone.else', now);
      expect(await target.api.refused('login', { userId: grace.userId, authKey, device, proof: forOtherUser })).toEqual(
        { status: 401, body: { error: 'DEVICE_PROOF_INVALID' } },
      );

      await signIn(target, grace);
      // The device id is registered with grace's device key now: another key cannot use it.
      const impostor = { ...otherDevice, deviceId: grace.device.deviceId };
      const proof = await loginProof(impostor, grace.userId, target.clock.now());
      expect(
        await target.api.refused('login', {
          userId: grace.userId,
          authKey,
          device: { publicKey: impostor.publicKey, name: 'x' },
          proof,
        }),
      ).toEqual({
        status: 401,
        body: { error: 'DEVICE_PROOF_INVALID' },
      });
    });
  });
});

describe('sign-in without MFA (server configured so)', () => {
  let target: TestServer;
  beforeAll(async () => {
    target = await startTestServer('pglite', { mfaRequired: false });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  it('opens the session at the password step', async () => {
    const grace = await createUser(target, { userId: 'grace.adams', displayName: 'Grace Adams' });
    const login = await target.api.ok('login', {
      userId: grace.userId,
      authKey: await authKeyOf(target.api, grace),
      device: { publicKey: grace.device.publicKey, name: grace.device.name },
      proof: await loginProof(grace.device, grace.userId, target.clock.now()),
    });
    expect(login.step).toBe('signed-in');
    if (login.step === 'signed-in')
      expect((await target.api.ok('listSessions', {}, login.session.token)).sessions).toHaveLength(1);
  });
});
