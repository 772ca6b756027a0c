/**
 * Sign-in throttling against a real server on each backend (server/accounts/attempt-throttle.ts):
 * every attempt takes its place before the password or code is checked, so a burst of requests
 * is verified no more often than the throttle allows; growing waits per account at one address
 * (so a few guesses from elsewhere never slow a clinician at her own workstation), per account
 * from anywhere after 25 failures, and per address; a hard lock after 100 consecutive failures
 * of the account from anywhere that only IT lifts, taking many hours to reach,
 * recorded on the server's chain both ways; a success resets the count; unknown ids throttled
 * exactly alike.
 */
import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes } from '../../../shared/protocol/api';
import { AccountAdminError } from '../../../server/accounts/account-admin';
import {
  ACCOUNT_AT_ADDRESS_THROTTLE,
  ACCOUNT_THROTTLE,
  ADDRESS_THROTTLE,
} from '../../../server/accounts/attempt-throttle';
import { AdminInputError } from '../../../server/admin/admin-events';
import { AUTH_KEY_HASH_COST } from '../../../server/crypto/password-hasher';
import { usePostgres } from '../../support/postgres';
import type { ApiClient } from '../../support/server-client';
import {
  authKeyOf,
  BACKENDS,
  createUser,
  freshTotpCode,
  HOOK_TIMEOUT_MS,
  loginProof,
  newDevice,
  signIn,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const BURST = 20;
const FREE = ACCOUNT_AT_ADDRESS_THROTTLE.freeFailures;
const HARD_LOCK = ACCOUNT_THROTTLE.hardLockAt!;
/** The account-wide lock on the burst server, low enough to reach in one burst from many addresses. */
const BURST_LOCK = 12;

let addressCounter = 10;
/** A loopback source address no other test uses, so throttle counters per address stay apart. */
const ownAddress = () => `127.1.${String(Math.floor(addressCounter / 250))}.${String((addressCounter++ % 250) + 2)}`;

interface Answer {
  readonly status: number;
  readonly body: { error?: string; retryAfterSeconds?: number; step?: string; challengeId?: string };
}

/** Any answer, success or refusal, as it came. */
async function post(api: ApiClient, route: 'login' | 'verifyMfa', body: unknown): Promise<Answer> {
  const response = await api.raw('POST', routes[route].path, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: JSON.parse(response.text) as Answer['body'] };
}

const refusedBeforeChecking = (answer: Answer) => answer.body.error === 'THROTTLED';
const wrongKey = () => Buffer.alloc(32, 7).toString('base64');
const codeAt = (secret: string, at: number) =>
  OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), timestamp: at });
const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

function suite(target: () => TestServer) {
  const user = () => createUser(target(), { userId: `t${randomUUID().slice(0, 8)}`, displayName: 'Grace Adams' });
  const login = async (api: ApiClient, who: Pick<TestUser, 'userId' | 'device'>, authKey: string) =>
    post(api, 'login', {
      userId: who.userId,
      authKey,
      device: { publicKey: who.device.publicKey, name: who.device.name },
      proof: await loginProof(who.device, who.userId, target().clock.now()),
    });
  const failures = async (userId: string) => (await target().server.admin.signInThrottle(userId))?.failures ?? 0;
  return { user, login, failures };
}

describe.each(BACKENDS)('sign-in throttle on %s', (backend) => {
  describe('a burst of attempts at once, at the real password hashing cost', () => {
    let target: TestServer;
    beforeAll(async () => {
      // The real Argon2id cost: each check takes long enough for a whole burst to arrive during it.
      target = await startTestServer(backend, {
        postgres: postgres(),
        authKeyHashCost: AUTH_KEY_HASH_COST,
        throttle: { account: { ...ACCOUNT_THROTTLE, freeFailures: BURST_LOCK, hardLockAt: BURST_LOCK } },
      });
    }, HOOK_TIMEOUT_MS);
    afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);
    const { user, login, failures } = suite(() => target);

    it(`checks ${String(FREE)} passwords of ${String(BURST)} wrong ones sent together, refusing the rest unchecked`, async () => {
      const api = target.apiFrom(ownAddress());
      const grace = await user();
      const answers = await Promise.all(Array.from({ length: BURST }, () => login(api, grace, wrongKey())));
      expect(answers.filter((answer) => answer.body.error === 'INVALID_CREDENTIALS')).toHaveLength(FREE);
      expect(answers.filter(refusedBeforeChecking)).toHaveLength(BURST - FREE);
      expect(await failures(grace.userId)).toBe(FREE);
    });

    it(`checks one password, of ${String(BURST)} wrong and the right one sent together, when one attempt is left`, async () => {
      const api = target.apiFrom(ownAddress());
      const grace = await user();
      for (let failure = 1; failure < FREE; failure += 1)
        expect((await login(api, grace, wrongKey())).body).toEqual({ error: 'INVALID_CREDENTIALS' });
      const rightKey = await authKeyOf(api, grace);
      const answers = await Promise.all(
        [...Array.from({ length: BURST }, () => wrongKey()), rightKey].map((key) => login(api, grace, key)),
      );
      const checked = answers.filter((answer) => !refusedBeforeChecking(answer));
      expect(checked).toHaveLength(1);
      expect(
        answers
          .filter(refusedBeforeChecking)
          .every((answer) => answer.status === 429 && (answer.body.retryAfterSeconds ?? 0) > 0),
      ).toBe(true);
      // Whichever got the place: the right password (the code step next) or a wrong one (now the wait).
      const [only] = checked;
      if (only?.status === 200) {
        expect(only.body.step).toBe('mfa');
        expect(await failures(grace.userId)).toBe(FREE - 1);
      } else {
        expect(only?.body).toEqual({
          error: 'INVALID_CREDENTIALS',
          retryAfterSeconds: ACCOUNT_AT_ADDRESS_THROTTLE.firstDelayMs / 1000,
        });
        expect(await failures(grace.userId)).toBe(FREE);
      }
    });

    it(`checks one code, of ${String(BURST)} wrong and the right one sent together, when one attempt is left`, async () => {
      const api = target.apiFrom(ownAddress());
      const grace = await user();
      const first = await login(api, grace, await authKeyOf(api, grace));
      const challengeId = first.body.challengeId;
      expect(first.body.step).toBe('mfa');
      for (let failure = 1; failure < FREE; failure += 1)
        expect((await post(api, 'verifyMfa', { challengeId, code: '000000' })).body).toEqual({ error: 'MFA_INVALID' });
      const right = codeAt(grace.totpSecret!, target.clock.now());
      const answers = await Promise.all(
        [...Array.from({ length: BURST }, () => otherCode(right)), right].map((code) =>
          post(api, 'verifyMfa', { challengeId, code }),
        ),
      );
      const checked = answers.filter((answer) => !refusedBeforeChecking(answer));
      expect(checked).toHaveLength(1);
      const [only] = checked;
      // Signed in, which forgives the failures before it; or one more failure, and the wait.
      expect(await failures(grace.userId)).toBe(only?.status === 200 ? 0 : FREE);
    });

    it(`checks no more than the account-wide lock allows of ${String(BURST)} wrong passwords sent together from ${String(BURST)} addresses`, async () => {
      const grace = await user();
      const answers = await Promise.all(
        Array.from({ length: BURST }, () => login(target.apiFrom(ownAddress()), grace, wrongKey())),
      );
      // Every checked attempt stays counted: exactly the lock's worth were checked, the last of them locking.
      expect(await failures(grace.userId)).toBe(BURST_LOCK);
      expect(answers.filter((answer) => answer.body.error === 'INVALID_CREDENTIALS')).toHaveLength(BURST_LOCK - 1);
      expect(answers.filter((answer) => answer.body.error === 'ACCOUNT_LOCKED')).toHaveLength(BURST - BURST_LOCK + 1);
    });
  });

  describe('waits, the hard lock and IT unlocking', () => {
    let target: TestServer;
    beforeAll(async () => {
      target = await startTestServer(backend, { postgres: postgres() });
    }, HOOK_TIMEOUT_MS);
    afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);
    const { user, login, failures } = suite(() => target);

    /** This account's lockouts on the server's chain, once the fold that follows a lockout has run. */
    async function lockoutsOf(userId: string) {
      const of = async () =>
        (await target.server.admin.auditRecords({ action: 'account.locked-out', limit: 1000 }))
          .filter((entry) => entry.record.object.kind === 'account' && entry.record.object.id === userId)
          .map(({ record }) => ({
            actor: record.actor,
            object: record.object,
            outcome: record.outcome,
            reason: record.reason,
          }));
      await vi.waitFor(async () => expect(await of()).not.toEqual([]));
      return of();
    }

    it('makes each attempt from an address after five failures there wait twice as long as the last, until a success resets the count', async () => {
      const api = target.apiFrom(ownAddress());
      const grace = await user();
      const answers = [];
      for (let failure = 1; failure <= FREE; failure += 1) answers.push((await login(api, grace, wrongKey())).body);
      expect(answers).toEqual([
        ...Array.from({ length: FREE - 1 }, () => ({ error: 'INVALID_CREDENTIALS' })),
        { error: 'INVALID_CREDENTIALS', retryAfterSeconds: 30 },
      ]);
      const rightKey = await authKeyOf(api, grace);
      expect(await login(api, grace, rightKey)).toEqual({
        status: 429,
        body: { error: 'THROTTLED', retryAfterSeconds: 30 },
      });
      target.clock.advance(30_000);
      expect((await login(api, grace, wrongKey())).body).toEqual({
        error: 'INVALID_CREDENTIALS',
        retryAfterSeconds: 60,
      });
      target.clock.advance(59_000);
      expect((await login(api, grace, rightKey)).body).toEqual({ error: 'THROTTLED', retryAfterSeconds: 1 });
      target.clock.advance(1000);
      // The right password is not yet a success: the wrong code after it still counts, and waits.
      const challengeId = (await login(api, grace, rightKey)).body.challengeId;
      expect(await failures(grace.userId)).toBe(FREE + 1);
      expect(
        (await post(api, 'verifyMfa', { challengeId, code: otherCode(codeAt(grace.totpSecret!, target.clock.now())) }))
          .body,
      ).toEqual({
        error: 'MFA_INVALID',
        retryAfterSeconds: 120,
      });
      target.clock.advance(120_000);
      expect((await post(api, 'verifyMfa', { challengeId, code: freshTotpCode(target, grace) })).status).toBe(200);
      // Signed in: the count starts again, five free.
      expect(await failures(grace.userId)).toBe(0);
      for (let failure = 1; failure < FREE; failure += 1)
        expect((await login(api, grace, wrongKey())).body).toEqual({ error: 'INVALID_CREDENTIALS' });
    });

    it('locks a known and an unknown id alike at 100 consecutive failures, refusing even the right password until IT unlocks', async () => {
      const grace = await user();
      const ghost = { userId: `ghost${randomUUID().slice(0, 8)}`, device: await newDevice() };
      const graceApi = target.apiFrom(ownAddress());
      const ghostApi = target.apiFrom(ownAddress());
      const seen: { grace: Answer[]; ghost: Answer[] } = { grace: [], ghost: [] };
      for (let failure = 1; failure <= HARD_LOCK; failure += 1) {
        const [forGrace, forGhost] = [
          await login(graceApi, grace, wrongKey()),
          await login(ghostApi, ghost, wrongKey()),
        ];
        seen.grace.push(forGrace);
        seen.ghost.push(forGhost);
        target.clock.advance((forGrace.body.retryAfterSeconds ?? 0) * 1000);
      }
      // Nothing tells the two apart, attempt by attempt.
      expect(seen.ghost).toEqual(seen.grace);
      expect(seen.grace.filter((answer) => answer.body.error === 'THROTTLED')).toEqual([]);
      expect(seen.grace.at(-2)?.body).toEqual({ error: 'INVALID_CREDENTIALS', retryAfterSeconds: 900 });
      expect(seen.grace.at(-1)).toEqual({ status: 423, body: { error: 'ACCOUNT_LOCKED' } });

      target.clock.advance(7 * 24 * 3600_000);
      const rightKey = await authKeyOf(graceApi, grace);
      expect(await login(graceApi, grace, rightKey)).toEqual({ status: 423, body: { error: 'ACCOUNT_LOCKED' } });
      expect((await login(target.apiFrom(ownAddress()), grace, rightKey)).body).toEqual({ error: 'ACCOUNT_LOCKED' });
      await target.server.admin.sweepExpired();
      expect(await target.server.admin.signInThrottle(grace.userId)).toMatchObject({
        failures: 100,
        lockedAt: expect.any(Number) as number,
      });
      // Recorded once, naming the account and no actor; the unknown id goes nowhere near the trail.
      expect(await lockoutsOf(grace.userId)).toEqual([
        {
          actor: { userId: null, role: null },
          object: { kind: 'account', id: grace.userId },
          outcome: 'failure',
          reason: 'INVALID_CREDENTIALS',
        },
      ]);
      expect((await target.server.admin.adminEvents()).map((event) => event.targetUserId)).not.toContain(ghost.userId);

      // Only a real account can be unlocked, by someone named.
      await expect(target.server.admin.unlockAccount(ghost.userId, 'it.admin')).rejects.toBeInstanceOf(
        AccountAdminError,
      );
      await expect(target.server.admin.unlockAccount(grace.userId, 'Not An Id!')).rejects.toBeInstanceOf(
        AdminInputError,
      );
      expect(await login(graceApi, grace, rightKey)).toEqual({ status: 423, body: { error: 'ACCOUNT_LOCKED' } });
      expect(await target.server.admin.unlockAccount(grace.userId, 'it.admin')).toEqual({ wasLocked: true });
      const unlocks = (await target.server.admin.auditRecords({ action: 'admin.action', limit: 100_000 })).filter(
        (entry) => entry.record.reason === 'ACCOUNT_UNLOCKED',
      );
      expect(
        unlocks.map(({ record }) => ({ actor: record.actor.userId, object: record.object, outcome: record.outcome })),
      ).toEqual([{ actor: 'it.admin', object: { kind: 'account', id: grace.userId }, outcome: 'success' }]);
      await signIn(target, grace, graceApi);
      expect(await target.server.admin.unlockAccount(grace.userId, 'it.admin')).toEqual({ wasLocked: false });
    });

    it('keeps the waits a guesser earns at their own address: the right password from another address signs in at once', async () => {
      const grace = await user();
      const guesser = target.apiFrom(ownAddress());
      const ward = target.apiFrom('127.0.0.2');
      for (let failure = 1; failure <= FREE; failure += 1) await login(guesser, grace, wrongKey());
      const rightKey = await authKeyOf(ward, grace);
      expect(await login(guesser, grace, rightKey)).toEqual({
        status: 429,
        body: { error: 'THROTTLED', retryAfterSeconds: 30 },
      });
      // The clinician at her own workstation: her password and her code checked at once.
      const first = await login(ward, grace, rightKey);
      expect(first.body.step).toBe('mfa');
      expect(
        (await post(ward, 'verifyMfa', { challengeId: first.body.challengeId, code: freshTotpCode(target, grace) }))
          .status,
      ).toBe(200);
      expect(await failures(grace.userId)).toBe(0);
    });

    it('lets 25 failures spread over 5 addresses leave a clinician at her own address unthrottled; the 26th from anywhere starts an account-wide wait', async () => {
      const grace = await user();
      const ward = target.apiFrom(ownAddress());
      const guessers = Array.from({ length: 5 }, () => target.apiFrom(ownAddress()));
      for (const api of guessers)
        for (let failure = 1; failure <= FREE; failure += 1)
          expect((await login(api, grace, wrongKey())).status).toBe(401);
      expect(await failures(grace.userId)).toBe(25);
      // Her password checked at once (and, the code still to come, not counted).
      const first = await login(ward, grace, await authKeyOf(ward, grace));
      expect(first.body.step).toBe('mfa');
      // The 26th failure, from an address that never failed before, makes every address wait.
      expect((await login(target.apiFrom(ownAddress()), grace, wrongKey())).body).toEqual({
        error: 'INVALID_CREDENTIALS',
        retryAfterSeconds: 30,
      });
      // Refused before the code is looked at, so the clock stays where it is (freshTotpCode may move it).
      expect(
        await post(ward, 'verifyMfa', {
          challengeId: first.body.challengeId,
          code: codeAt(grace.totpSecret!, target.clock.now()),
        }),
      ).toEqual({
        status: 429,
        body: { error: 'THROTTLED', retryAfterSeconds: 30 },
      });
      expect((await login(target.apiFrom(ownAddress()), grace, wrongKey())).body).toEqual({
        error: 'THROTTLED',
        retryAfterSeconds: 30,
      });
      target.clock.advance(30_000);
      expect(
        (await post(ward, 'verifyMfa', { challengeId: first.body.challengeId, code: freshTotpCode(target, grace) }))
          .status,
      ).toBe(200);
      expect(await failures(grace.userId)).toBe(0);
    });

    it('still locks the account after 100 consecutive failures spread over addresses, only after many hours of account-wide waits; unlocking lifts every wait', async () => {
      const grace = await user();
      const addresses = Array.from({ length: HARD_LOCK / FREE }, () => target.apiFrom(ownAddress()));
      const answers: Answer[] = [];
      const started = target.clock.now();
      for (const api of addresses)
        for (let failure = 1; failure <= FREE; failure += 1) {
          const answer = await login(api, grace, wrongKey());
          answers.push(answer);
          target.clock.advance((answer.body.retryAfterSeconds ?? 0) * 1000);
        }
      // Each waited out, none refused; the waits alone took many hours, however many addresses shared the guessing.
      expect(answers.filter(refusedBeforeChecking)).toEqual([]);
      expect(answers[24]?.body).toEqual({ error: 'INVALID_CREDENTIALS', retryAfterSeconds: 30 });
      expect(answers[25]?.body).toEqual({ error: 'INVALID_CREDENTIALS', retryAfterSeconds: 30 });
      expect(answers[26]?.body).toEqual({ error: 'INVALID_CREDENTIALS', retryAfterSeconds: 60 });
      expect(target.clock.now() - started).toBeGreaterThan(12 * 3600_000);
      expect(answers.at(-2)?.body.error).toBe('INVALID_CREDENTIALS');
      expect(answers.at(-1)).toEqual({ status: 423, body: { error: 'ACCOUNT_LOCKED' } });
      const rightKey = await authKeyOf(target.api, grace);
      expect(await login(target.apiFrom(ownAddress()), grace, rightKey)).toEqual({
        status: 423,
        body: { error: 'ACCOUNT_LOCKED' },
      });
      expect(await target.server.admin.signInThrottle(grace.userId)).toMatchObject({
        failures: HARD_LOCK,
        lockedAt: expect.any(Number) as number,
      });
      expect(await target.server.admin.unlockAccount(grace.userId, 'it.admin')).toEqual({ wasLocked: true });
      // The last address had just earned its wait; IT unlocking forgets it too.
      await signIn(target, grace, addresses.at(-1));
    });

    it('counts wrong codes in the same account throttle as wrong passwords', async () => {
      const api = target.apiFrom(ownAddress());
      const grace = await user();
      expect((await login(api, grace, wrongKey())).body.error).toBe('INVALID_CREDENTIALS');
      const challengeId = (await login(api, grace, await authKeyOf(api, grace))).body.challengeId;
      const answers = [];
      for (let failure = 2; failure <= FREE + 1; failure += 1)
        answers.push((await post(api, 'verifyMfa', { challengeId, code: '000000' })).body);
      expect(answers).toEqual([
        ...Array.from({ length: FREE - 2 }, () => ({ error: 'MFA_INVALID' })),
        { error: 'MFA_INVALID', retryAfterSeconds: 30 },
        { error: 'THROTTLED', retryAfterSeconds: 30 },
      ]);
      // Waited out, the same challenge still takes the right code.
      target.clock.advance(30_000);
      expect((await post(api, 'verifyMfa', { challengeId, code: freshTotpCode(target, grace) })).status).toBe(200);
    });

    it('slows an address that fails across many ids, with growing waits, and only that address', async () => {
      const address = ownAddress();
      const api = target.apiFrom(address);
      const walker = async () =>
        login(api, { userId: `walker${randomUUID().slice(0, 8)}`, device: await newDevice() }, wrongKey());
      const answers = [];
      for (let failure = 1; failure <= ADDRESS_THROTTLE.freeFailures; failure += 1) answers.push((await walker()).body);
      expect(
        answers
          .slice(0, -1)
          .every((body) => body.error === 'INVALID_CREDENTIALS' && body.retryAfterSeconds === undefined),
      ).toBe(true);
      expect(answers.at(-1)).toEqual({ error: 'INVALID_CREDENTIALS', retryAfterSeconds: 10 });
      const grace = await user();
      expect(await login(api, grace, await authKeyOf(api, grace))).toEqual({
        status: 429,
        body: { error: 'THROTTLED', retryAfterSeconds: 10 },
      });
      await signIn(target, grace, target.apiFrom(ownAddress()));
      target.clock.advance(10_000);
      expect((await walker()).body).toEqual({ error: 'INVALID_CREDENTIALS', retryAfterSeconds: 20 });
    });
  });
});
