/**
 * The sign-in throttle (NIST SP 800-63B §5.2.2), per key. Pure: state in, verdict or next state
 * out, time an argument; throttle-store.ts keeps the state in the database, shared by every
 * instance. Every attempt is counted under three keys, each with its own policy:
 *
 * - the account id at one remote address (`ACCOUNT_AT_ADDRESS_THROTTLE`): the growing waits
 *   after a few failures. A guesser slows only their own address's attempts on the account;
 * - the account id alone, from anywhere (`ACCOUNT_THROTTLE`): growing waits too, but only after
 *   many more failures, and the hard lock at `hardLockAt` until IT unlocks it. Guessing from
 *   many addresses at once is slowed to hours before it can lock anyone out, and a clinician
 *   at her own workstation is slowed only once someone has failed that often elsewhere;
 * - the remote address (`ADDRESS_THROTTLE`): short waits, so one machine cannot walk through
 *   many accounts.
 *
 * - Every attempt takes its place before the password or code is checked: it counts as a
 *   failure from the moment it is let through (`afterReservation`), and is handed back only
 *   when it turns out not to be one. Whether to let it through and counting it are one step
 *   under a row lock, so a burst of requests is checked no more often than the rule allows.
 * - A few failures are free; after that each further attempt waits, twice as long each time, up
 *   to a ceiling: a clinician who mistypes is slowed for seconds, a guesser for hours.
 * - Success resets the account's failures (and its failures at that address); a key with no
 *   attempt for `forgetAfterMs` starts again (a hard lock never lapses).
 */
export interface ThrottlePolicy {
  /** Failures that cost no wait. */
  readonly freeFailures: number;
  /** The wait after the first failure past the free ones; it doubles with each further one. 0: never waits. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Consecutive failures that lock the key until IT unlocks it; null: never. */
  readonly hardLockAt: number | null;
  /** A key with no attempt for this long is forgotten, unless hard-locked. */
  readonly forgetAfterMs: number;
}

export interface ThrottleState {
  /** Consecutive failures, counting attempts let through and not yet known to have succeeded. */
  readonly failures: number;
  readonly lastAttemptAt: number;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Per account id at one remote address: five free, then 30 s, 1 min, 2 min … up to 15 min
 * between attempts; never locked (guessing from one address reaches the hard lock of
 * `ACCOUNT_THROTTLE` after about 23 hours at these delays).
 */
export const ACCOUNT_AT_ADDRESS_THROTTLE: ThrottlePolicy = Object.freeze({
  freeFailures: 5,
  firstDelayMs: 30 * SECOND_MS,
  maxDelayMs: 15 * MINUTE_MS,
  hardLockAt: null,
  forgetAfterMs: 24 * HOUR_MS,
});

/**
 * Per account id, from any address. Twenty-five failures cost nothing: the next attempt, a
 * clinician's at her own workstation too, goes through at once. From the 26th failure on, each
 * makes the next attempt from anywhere wait 30 s, doubling to 15 min, so however many addresses
 * guess, reaching the hard lock at 100 consecutive failures (which only IT lifts) takes over
 * 17 hours. The trade-off: once more than 25 guesses have failed elsewhere, the clinician waits too.
 */
export const ACCOUNT_THROTTLE: ThrottlePolicy = Object.freeze({
  // Attempts let through at once: the one after 25 failures still is; the 26th failure starts the waits.
  freeFailures: 26,
  firstDelayMs: 30 * SECOND_MS,
  maxDelayMs: 15 * MINUTE_MS,
  hardLockAt: 100,
  forgetAfterMs: 24 * HOUR_MS,
});

/**
 * Per remote address: many users share a ward workstation (and a NAT), so thirty failures are
 * free and the waits stay short; it stops one machine walking through many accounts.
 */
export const ADDRESS_THROTTLE: ThrottlePolicy = Object.freeze({
  freeFailures: 30,
  firstDelayMs: 10 * SECOND_MS,
  maxDelayMs: 5 * MINUTE_MS,
  hardLockAt: null,
  forgetAfterMs: HOUR_MS,
});

export type ThrottleVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'wait'; readonly retryAfterSeconds: number }
  | { readonly allowed: false; readonly reason: 'locked' };

/** How long the next attempt waits after `failures` consecutive failures. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures || policy.firstDelayMs === 0) return 0;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (failures - policy.freeFailures));
}

export function hardLocked(state: ThrottleState | null, policy: ThrottlePolicy): boolean {
  return state !== null && policy.hardLockAt !== null && state.failures >= policy.hardLockAt;
}

/** Nothing left to remember: no hard lock, and no attempt for `forgetAfterMs`. */
export function throttleStale(state: ThrottleState, policy: ThrottlePolicy, now: number): boolean {
  return !hardLocked(state, policy) && now - state.lastAttemptAt >= policy.forgetAfterMs;
}

/** The state as it counts at `now`: a stale one is as good as none. */
function live(state: ThrottleState | null, policy: ThrottlePolicy, now: number): ThrottleState | null {
  return state === null || throttleStale(state, policy, now) ? null : state;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / SECOND_MS));

/** Whether an attempt may be checked at `now`. */
export function throttleVerdict(state: ThrottleState | null, policy: ThrottlePolicy, now: number): ThrottleVerdict {
  const current = live(state, policy, now);
  if (current === null) return { allowed: true };
  if (hardLocked(current, policy)) return { allowed: false, reason: 'locked' };
  const delay = delayAfter(current.failures, policy);
  // No wait is no wait: concurrent requests read the clock in any order, so the last attempt
  // may be stamped a moment after this one's `now`.
  const wait = delay === 0 ? 0 : current.lastAttemptAt + delay - now;
  return wait > 0 ? { allowed: false, reason: 'wait', retryAfterSeconds: seconds(wait) } : { allowed: true };
}

/** The state once an allowed attempt has taken its place (counted as a failure until it proves otherwise). */
export function afterReservation(state: ThrottleState | null, policy: ThrottlePolicy, now: number): ThrottleState {
  const current = live(state, policy, now);
  // Never back in time, whichever of two concurrent attempts read the clock first.
  return { failures: (current?.failures ?? 0) + 1, lastAttemptAt: Math.max(now, current?.lastAttemptAt ?? now) };
}

/** How long to tell the caller of the attempt that took place `place` and failed, or null for no wait. */
export function retryAfterFailure(place: number, policy: ThrottlePolicy): number | null {
  const delay = delayAfter(place, policy);
  return delay > 0 ? seconds(delay) : null;
}
