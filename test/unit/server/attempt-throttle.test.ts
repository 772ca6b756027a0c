import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_AT_ADDRESS_THROTTLE,
  ACCOUNT_THROTTLE,
  ADDRESS_THROTTLE,
  afterReservation,
  delayAfter,
  hardLocked,
  retryAfterFailure,
  throttleStale,
  throttleVerdict,
  type ThrottlePolicy,
  type ThrottleState,
} from '../../../server/accounts/attempt-throttle';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const T0 = 1_700_000_000_000;
const policy: ThrottlePolicy = ACCOUNT_AT_ADDRESS_THROTTLE;

/** Attempts let through at each time given, each counted (as every attempt is until it succeeds). */
function attempts(
  times: readonly number[],
  using: ThrottlePolicy = policy,
): { state: ThrottleState | null; allowed: number } {
  let state: ThrottleState | null = null;
  let allowed = 0;
  for (const time of times) {
    if (!throttleVerdict(state, using, time).allowed) continue;
    state = afterReservation(state, using, time);
    allowed += 1;
  }
  return { state, allowed };
}

/**
 * The fastest a guesser can reach the account's hard lock from `addresses` addresses taking turns:
 * each attempt as soon as both the account-wide key and its address's key let it through.
 */
function fastestToLock(addresses: number): {
  took: number;
  account: ThrottleState;
  atOneAddress: ThrottleState | null;
} {
  const atAddress = new Map<number, ThrottleState>();
  let account: ThrottleState | null = null;
  let now = T0;
  for (let guess = 0; !hardLocked(account, ACCOUNT_THROTTLE); guess += 1) {
    const from = guess % addresses;
    const there = atAddress.get(from) ?? null;
    const ready = (state: ThrottleState | null, using: ThrottlePolicy) =>
      state === null ? now : state.lastAttemptAt + delayAfter(state.failures, using);
    now = Math.max(now, ready(account, ACCOUNT_THROTTLE), ready(there, policy));
    if (!throttleVerdict(account, ACCOUNT_THROTTLE, now).allowed || !throttleVerdict(there, policy, now).allowed)
      throw new Error(`refused guess ${String(guess)}`);
    account = afterReservation(account, ACCOUNT_THROTTLE, now);
    atAddress.set(from, afterReservation(there, policy, now));
  }
  return { took: now - T0, account: account!, atOneAddress: atAddress.get(0) ?? null };
}

describe('the sign-in throttle (NIST SP 800-63B 5.2.2)', () => {
  it('lets five failures of an account at one address through at once, then makes each further attempt wait twice as long, up to 15 minutes', () => {
    expect([0, 4].map((failures) => delayAfter(failures, policy))).toEqual([0, 0]);
    expect([5, 6, 7, 8, 9, 10, 11, 50].map((failures) => delayAfter(failures, policy) / SECOND)).toEqual([
      30, 60, 120, 240, 480, 900, 900, 900,
    ]);
    const five = attempts(Array(5).fill(T0) as number[]).state;
    expect(five).toEqual({ failures: 5, lastAttemptAt: T0 });
    expect(throttleVerdict(five, policy, T0 + 1)).toEqual({ allowed: false, reason: 'wait', retryAfterSeconds: 30 });
    expect(throttleVerdict(five, policy, T0 + 30 * SECOND - 1)).toEqual({
      allowed: false,
      reason: 'wait',
      retryAfterSeconds: 1,
    });
    expect(throttleVerdict(five, policy, T0 + 30 * SECOND)).toEqual({ allowed: true });
  });

  it('lets 25 failures of an account from anywhere cost nothing, then makes each further attempt wait 30 s doubling to 15 min, and locks it outright at 100, never forgetting it', () => {
    expect(ACCOUNT_THROTTLE.hardLockAt).toBe(100);
    // After 25 failures (however they came) the next attempt, a clinician's at her own address too, is not slowed.
    for (let failures = 0; failures <= 25; failures += 1) expect(delayAfter(failures, ACCOUNT_THROTTLE)).toBe(0);
    expect([24, 25].map((place) => retryAfterFailure(place, ACCOUNT_THROTTLE))).toEqual([null, null]);
    // The 26th failure starts the waits.
    expect([26, 27, 28, 29, 30, 31, 32, 99].map((failures) => delayAfter(failures, ACCOUNT_THROTTLE) / SECOND)).toEqual(
      [30, 60, 120, 240, 480, 900, 900, 900],
    );
    expect(retryAfterFailure(26, ACCOUNT_THROTTLE)).toBe(30);
    const burst = attempts(Array(150).fill(T0) as number[], ACCOUNT_THROTTLE);
    expect(burst.allowed).toBe(26);
    expect(throttleVerdict(burst.state, ACCOUNT_THROTTLE, T0 + 1)).toEqual({
      allowed: false,
      reason: 'wait',
      retryAfterSeconds: 30,
    });
    const waitedOut = fastestToLock(1000).account;
    expect(hardLocked(waitedOut, ACCOUNT_THROTTLE)).toBe(true);
    expect(throttleVerdict(waitedOut, ACCOUNT_THROTTLE, T0 + 365 * 24 * HOUR)).toEqual({
      allowed: false,
      reason: 'locked',
    });
    expect(throttleStale(waitedOut, ACCOUNT_THROTTLE, T0 + 365 * 24 * HOUR)).toBe(false);
  });

  it.each([1, 5, 20, 1000, 100_000])(
    'takes more than 12 hours to reach the hard lock of an account guessed from %i addresses at once',
    (addresses) => {
      const { took, atOneAddress } = fastestToLock(addresses);
      expect(took).toBeGreaterThan(12 * HOUR);
      if (addresses === 1) expect(took).toBeGreaterThan(20 * HOUR);
      // An address never locks, only slows.
      expect(hardLocked(atOneAddress, policy)).toBe(false);
    },
  );

  it('never locks an address, only slows it: thirty free failures, then short waits', () => {
    expect(ADDRESS_THROTTLE.hardLockAt).toBeNull();
    const many = { failures: 10_000, lastAttemptAt: T0 };
    expect(hardLocked(many, ADDRESS_THROTTLE)).toBe(false);
    expect(throttleVerdict(many, ADDRESS_THROTTLE, T0 + ADDRESS_THROTTLE.maxDelayMs)).toEqual({ allowed: true });
    expect(delayAfter(29, ADDRESS_THROTTLE)).toBe(0);
    expect(delayAfter(30, ADDRESS_THROTTLE)).toBe(ADDRESS_THROTTLE.firstDelayMs);
  });

  it('forgets a key with no attempt for a while, and counts from one again', () => {
    const state = attempts([T0, T0, T0]).state!;
    expect(throttleStale(state, policy, T0 + policy.forgetAfterMs - 1)).toBe(false);
    expect(throttleStale(state, policy, T0 + policy.forgetAfterMs)).toBe(true);
    expect(afterReservation(state, policy, T0 + policy.forgetAfterMs)).toEqual({
      failures: 1,
      lastAttemptAt: T0 + policy.forgetAfterMs,
    });
    expect(afterReservation(state, policy, T0 + 1)).toEqual({ failures: 4, lastAttemptAt: T0 + 1 });
  });

  it('refuses no free attempt because a concurrent one read the clock a moment later, and never moves the last attempt back', () => {
    const other = afterReservation(null, policy, T0 + 5);
    expect(throttleVerdict(other, policy, T0)).toEqual({ allowed: true });
    expect(afterReservation(other, policy, T0)).toEqual({ failures: 2, lastAttemptAt: T0 + 5 });
  });

  it('tells a failed attempt how long the next one waits, only once there is a wait', () => {
    expect([1, 4].map((place) => retryAfterFailure(place, policy))).toEqual([null, null]);
    expect([5, 6, 100].map((place) => retryAfterFailure(place, policy))).toEqual([30, 60, 900]);
  });

  it.each([
    ['an account at an address', ACCOUNT_AT_ADDRESS_THROTTLE],
    ['an account from anywhere', ACCOUNT_THROTTLE],
    ['an address', ADDRESS_THROTTLE],
  ] as const)(
    'lets no more attempts through in a burst than the rule allows for %s, whatever came before',
    (_name, policy) => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 2 * HOUR }), { maxLength: 30 }),
          fc.integer({ min: 1, max: 50 }),
          fc.integer({ min: 0, max: 3 * HOUR }),
          (offsets, burst, gap) => {
            const before = attempts(
              [...offsets].sort((a, b) => a - b).map((offset) => T0 + offset),
              policy,
            );
            const at = T0 + 2 * HOUR + gap;
            const failuresBefore =
              before.state === null || throttleStale(before.state, policy, at) ? 0 : before.state.failures;
            let state = before.state;
            let through = 0;
            for (let n = 0; n < burst; n += 1) {
              if (!throttleVerdict(state, policy, at).allowed) continue;
              state = afterReservation(state, policy, at);
              through += 1;
            }
            // Free places left, or a single attempt once a wait has passed; none when hard-locked.
            const limit =
              failuresBefore >= (policy.hardLockAt ?? Infinity) ? 0 : Math.max(policy.freeFailures - failuresBefore, 1);
            expect(through).toBeLessThanOrEqual(limit);
          },
        ),
      );
    },
  );
});
