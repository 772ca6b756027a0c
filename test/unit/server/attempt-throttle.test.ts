import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_THROTTLE, afterFailure, throttleStale, throttleVerdict, type ThrottlePolicy, type ThrottleState } from '../../../server/accounts/attempt-throttle';

const policy: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000 };
const T0 = 1_700_000_000_000;

function failures(count: number, at: (index: number) => number): ThrottleState | null {
  let state: ThrottleState | null = null;
  for (let index = 0; index < count; index += 1) state = afterFailure(state, policy, at(index));
  return state;
}

describe('attempt throttle', () => {
  it('allows a key with no failures, and one with fewer than the limit', () => {
    expect(throttleVerdict(null, T0)).toEqual({ allowed: true });
    expect(throttleVerdict(failures(4, (i) => T0 + i * 1000), T0 + 5000)).toEqual({ allowed: true });
  });

  it('locks at the limit within the window, for the lockout period, and says how long', () => {
    const locked = failures(5, (i) => T0 + i * 1000)!;
    expect(locked).toEqual({ failures: 5, windowStartedAt: T0, lockedUntil: T0 + 4000 + policy.lockoutMs });
    expect(throttleVerdict(locked, T0 + 4000)).toEqual({ allowed: false, retryAfterSeconds: 900 });
    expect(throttleVerdict(locked, T0 + 4000 + policy.lockoutMs - 1)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(throttleVerdict(locked, T0 + 4000 + policy.lockoutMs)).toEqual({ allowed: true });
  });

  it('starts counting afresh once the window has passed, and after a lockout has ended', () => {
    const spread = failures(5, (i) => T0 + i * (policy.windowMs / 4));
    expect(spread?.lockedUntil).toBeNull();
    expect(spread?.failures).toBe(1);
    const locked = failures(5, (i) => T0 + i)!;
    expect(afterFailure(locked, policy, locked.lockedUntil!)).toEqual({ failures: 1, windowStartedAt: locked.lockedUntil, lockedUntil: null });
  });

  it('never locks before the limit and always locks at it, for any timing inside one window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: policy.windowMs - 1 }), { minLength: 5, maxLength: 5 }), (offsets) => {
        const times = [...offsets].sort((a, b) => a - b).map((offset) => T0 + offset);
        let state: ThrottleState | null = null;
        times.forEach((time, index) => {
          state = afterFailure(state, policy, time);
          expect(throttleVerdict(state, time).allowed).toBe(index < 4);
        });
      }),
    );
  });

  it('is stale only with no lock in force and the window over', () => {
    const one = afterFailure(null, policy, T0);
    expect(throttleStale(one, policy, T0 + policy.windowMs - 1)).toBe(false);
    expect(throttleStale(one, policy, T0 + policy.windowMs)).toBe(true);
    const locked = failures(5, (i) => T0 + i)!;
    expect(throttleStale(locked, policy, T0 + policy.windowMs)).toBe(false);
    expect(throttleStale(locked, policy, locked.lockedUntil!)).toBe(true);
  });

  it('defaults to five failures per account', () => {
    expect(ACCOUNT_THROTTLE.maxFailures).toBe(5);
  });
});
