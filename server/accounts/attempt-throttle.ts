/**
 * Failed sign-in attempts, counted per key (an account id, known or not, and a remote address)
 * within a window; at the limit the key is locked for a while. Pure: the state comes in, the
 * next state goes out, time is an argument. throttle-store.ts keeps the state in the database
 * so every instance of a deployment counts the same attempts.
 */
export interface ThrottlePolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
}

export interface ThrottleState {
  readonly failures: number;
  readonly windowStartedAt: number;
  readonly lockedUntil: number | null;
}

const MINUTE_MS = 60 * 1000;

/** Per account id: five wrong passwords or codes in 15 minutes lock it for 15 minutes. */
export const ACCOUNT_THROTTLE: ThrottlePolicy = Object.freeze({ maxFailures: 5, windowMs: 15 * MINUTE_MS, lockoutMs: 15 * MINUTE_MS });
/**
 * Per remote address: many users share a ward workstation (and a NAT), so this is looser; it
 * stops one machine from walking through many accounts four guesses at a time.
 */
export const ADDRESS_THROTTLE: ThrottlePolicy = Object.freeze({ maxFailures: 30, windowMs: 15 * MINUTE_MS, lockoutMs: 15 * MINUTE_MS });

export type ThrottleVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export function throttleVerdict(state: ThrottleState | null, now: number): ThrottleVerdict {
  if (state?.lockedUntil == null || state.lockedUntil <= now) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((state.lockedUntil - now) / 1000)) };
}

/** The state after one more failure at `now`. */
export function afterFailure(state: ThrottleState | null, policy: ThrottlePolicy, now: number): ThrottleState {
  const fresh =
    state === null ||
    now - state.windowStartedAt >= policy.windowMs ||
    (state.lockedUntil !== null && state.lockedUntil <= now);
  const failures = fresh ? 1 : state.failures + 1;
  const windowStartedAt = fresh ? now : state.windowStartedAt;
  const lockedUntil = failures >= policy.maxFailures ? now + policy.lockoutMs : null;
  return { failures, windowStartedAt, lockedUntil };
}

/** Nothing left to remember: no lock in force and the window has passed. */
export function throttleStale(state: ThrottleState, policy: ThrottlePolicy, now: number): boolean {
  return (state.lockedUntil === null || state.lockedUntil <= now) && now - state.windowStartedAt >= policy.windowMs;
}
