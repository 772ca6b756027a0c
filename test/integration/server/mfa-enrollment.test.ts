/**
 * First TOTP enrollment against a real server on each backend (server/accounts/mfa-step.ts):
 * with two enrollments pending for one account (the clinician's and, say, an attacker's who has
 * the password), the first confirmed stands and the other is refused with MFA_ALREADY_ENROLLED,
 * whether it comes a step later or at the same moment; it never replaces the secret.
 */
import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../../shared/protocol/api';
import { usePostgres } from '../../support/postgres';
import {
  authKeyOf,
  BACKENDS,
  createUser,
  HOOK_TIMEOUT_MS,
  loginProof,
  newDevice,
  startTestServer,
  type TestServer,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const STEP_MS = 30_000;

describe.each(BACKENDS)('TOTP enrollment on %s', (backend) => {
  let target: TestServer;
  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const code = (secret: string, at: number) =>
    OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), timestamp: at });

  /** An account with no TOTP, and two enrollments of it pending from two devices. */
  async function twoPendingEnrollments() {
    const user = await createUser(target, {
      userId: `e${randomUUID().slice(0, 8)}`,
      displayName: 'Chidi Okafor',
      totpSecret: null,
    });
    const authKey = await authKeyOf(target.api, user);
    const enroll = async () => {
      const device = await newDevice();
      const login = await target.api.ok('login', {
        userId: user.userId,
        authKey,
        device: { publicKey: device.publicKey, name: device.name },
        proof: await loginProof(device, user.userId, target.clock.now()),
      });
      if (login.step !== 'enroll-mfa') throw new Error(`expected enrollment, got ${login.step}`);
      return { challengeId: login.challengeId, secret: OTPAuth.URI.parse(login.otpauthUri).secret.base32 };
    };
    return { user, authKey, first: await enroll(), second: await enroll() };
  }

  async function confirm(challengeId: string, totp: string) {
    const response = await target.api.raw('POST', routes.verifyMfa.path, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ challengeId, code: totp }),
    });
    return { status: response.status, body: JSON.parse(response.text) as { error?: string } };
  }

  /** Whether a fresh sign-in takes a code of `secret` (the one the account holds). */
  async function signsInWith(userId: string, authKey: string, secret: string, at: number) {
    const device = await newDevice();
    const login = await target.api.ok('login', {
      userId,
      authKey,
      device: { publicKey: device.publicKey, name: device.name },
      proof: await loginProof(device, userId, target.clock.now()),
    });
    if (login.step !== 'mfa') throw new Error(`expected the mfa step, got ${login.step}`);
    return (await confirm(login.challengeId, code(secret, at))).status === 200;
  }

  it('refuses an enrollment confirmed after another, a step later, and keeps the first secret', async () => {
    const { user, authKey, first, second } = await twoPendingEnrollments();
    expect((await confirm(first.challengeId, code(first.secret, target.clock.now()))).status).toBe(200);
    target.clock.advance(STEP_MS);
    expect(await confirm(second.challengeId, code(second.secret, target.clock.now()))).toEqual({
      status: 409,
      body: { error: 'MFA_ALREADY_ENROLLED' },
    });
    target.clock.advance(STEP_MS);
    expect(await signsInWith(user.userId, authKey, second.secret, target.clock.now())).toBe(false);
    target.clock.advance(STEP_MS);
    expect(await signsInWith(user.userId, authKey, first.secret, target.clock.now())).toBe(true);
  });

  it('lets exactly one of two enrollments confirmed at the same moment stand', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { user, authKey, first, second } = await twoPendingEnrollments();
      const now = target.clock.now();
      // Codes of different steps (both inside the drift allowance), so the step rule alone cannot decide.
      const [a, b] = await Promise.all([
        confirm(first.challengeId, code(first.secret, now)),
        confirm(second.challengeId, code(second.secret, now + STEP_MS)),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      expect([a, b].find((answer) => answer.status === 409)?.body).toEqual({ error: 'MFA_ALREADY_ENROLLED' });
      const [winner, loser] = a.status === 200 ? [first, second] : [second, first];
      target.clock.advance(2 * STEP_MS);
      expect(await signsInWith(user.userId, authKey, loser.secret, target.clock.now())).toBe(false);
      target.clock.advance(STEP_MS);
      expect(await signsInWith(user.userId, authKey, winner.secret, target.clock.now())).toBe(true);
    }
  });
});
