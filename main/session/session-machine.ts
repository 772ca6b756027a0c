/**
 * The workstation session's rules, as a pure state machine: `signed-out → unlocked ⇄ locked →
 * signed-out`. Time comes in with every event and decisions go out as effects, so each rule
 * (idle lock with a countdown, auto-logoff while locked, re-authentication every 12 hours, five
 * wrong PINs end the session, a colleague signing in) is tested with a fake clock and no sleeping. The session
 * service carries the effects out: closing the vault, zeroing keys, ending the server session.
 */
import { idleSourceOf, type IdleSource, type Policy } from '../../shared/policy/policy-schema';

export interface SessionTimings {
  /** Idle time (no input that counts as presence, see `idleSource`) before the screen locks. */
  readonly idleLockMs: number;
  /**
   * What counts as presence: `app`, input in Wardline only; `system`, input anywhere on the
   * machine too. On a shared workstation a colleague typing in another program is not the
   * signed-in user, so there only `app` keeps the session open (policy `idleSource`).
   */
  readonly idleSource: IdleSource;
  /** How long before the idle lock the countdown shows; any input cancels it. */
  readonly warningMs: number;
  /** Locked this long, the user is signed out (store closed, keys zeroed, server session ended). */
  readonly autoLogoffMs: number;
  /** The full password is asked for at least this often, whatever the activity. */
  readonly reauthMs: number;
  /** Whether a PIN may unlock, and how many wrong ones before only the password will. */
  readonly pinAllowed: boolean;
  readonly pinAttempts: number;
}

export const REAUTH_MS = 12 * 3600_000;
export const PIN_ATTEMPTS = 5;

/** The machine's timings under `policy`. */
export function timingsOf(policy: Policy): SessionTimings {
  const idleLockMs = policy.idleLockSeconds * 1000;
  return {
    idleLockMs,
    idleSource: idleSourceOf(policy),
    // A countdown long enough to notice, never most of the idle time.
    warningMs: Math.min(30_000, Math.floor(idleLockMs / 4)),
    autoLogoffMs: policy.autoLogoffSeconds * 1000,
    reauthMs: REAUTH_MS,
    pinAllowed: policy.pinAllowed,
    pinAttempts: PIN_ATTEMPTS,
  };
}

export type LockReason = 'idle' | 'request' | 'os-lock' | 'suspend' | 'reauth';
export type LogoffReason =
  'signed-out' | 'auto-logoff' | 'user-switch' | 'server-ended' | 'pin-attempts' | 'remote-wipe';

export type MachineState =
  | { readonly kind: 'signed-out' }
  | {
      readonly kind: 'unlocked';
      readonly userId: string;
      /** When the full password was last given. */
      readonly authenticatedAt: number;
      readonly lastActivityAt: number;
      /** When the pre-lock countdown began, or null when none shows. */
      readonly warningSince: number | null;
    }
  | {
      readonly kind: 'locked';
      readonly userId: string;
      readonly authenticatedAt: number;
      readonly lockedAt: number;
      readonly reason: LockReason;
      readonly pinFailures: number;
    };

export type MachineEvent =
  /** The full password (and second factor) was accepted. */
  | { readonly type: 'signed-in'; readonly userId: string; readonly at: number }
  /** Input in the app (rate-limited by the renderer). */
  | { readonly type: 'activity'; readonly at: number }
  /** The periodic check; `systemIdleMs` is the OS's idle time, null where it cannot be read (ignored under `app`). */
  | { readonly type: 'tick'; readonly at: number; readonly systemIdleMs: number | null }
  | { readonly type: 'lock'; readonly at: number; readonly reason: Exclude<LockReason, 'idle' | 'reauth'> }
  | { readonly type: 'unlocked'; readonly at: number; readonly method: 'pin' | 'password' }
  /** A wrong PIN, or a wrong password on the lock screen (which no server throttles). */
  | { readonly type: 'unlock-failed'; readonly at: number }
  /** Someone else is signing in at this workstation. */
  | { readonly type: 'other-user'; readonly at: number }
  | {
      readonly type: 'signed-out';
      readonly at: number;
      readonly reason: Exclude<LogoffReason, 'auto-logoff' | 'user-switch' | 'pin-attempts'>;
    };

export type MachineEffect =
  | { readonly type: 'countdown'; readonly lockAt: number }
  | { readonly type: 'countdown-cancelled' }
  | { readonly type: 'lock'; readonly reason: LockReason }
  | { readonly type: 'logoff'; readonly reason: LogoffReason };

export interface Transition {
  readonly state: MachineState;
  readonly effects: readonly MachineEffect[];
}

export const SIGNED_OUT: MachineState = { kind: 'signed-out' };

const stay = (state: MachineState): Transition => ({ state, effects: [] });

/** Whether a PIN may unlock this locked session now. */
export function pinUsable(state: MachineState, timings: SessionTimings, now: number): boolean {
  return (
    state.kind === 'locked' &&
    timings.pinAllowed &&
    state.pinFailures < timings.pinAttempts &&
    state.reason !== 'reauth' &&
    now - state.authenticatedAt < timings.reauthMs
  );
}

/** When the next tick matters (a countdown, a lock or a logoff is due), for the timer. */
export function nextDeadline(state: MachineState, timings: SessionTimings): number | null {
  switch (state.kind) {
    case 'signed-out':
      return null;
    case 'unlocked':
      return Math.min(
        state.warningSince === null
          ? state.lastActivityAt + timings.idleLockMs - timings.warningMs
          : state.lastActivityAt + timings.idleLockMs,
        state.authenticatedAt + timings.reauthMs,
      );
    case 'locked':
      return state.lockedAt + timings.autoLogoffMs;
  }
}

function lock(state: Extract<MachineState, { kind: 'unlocked' }>, at: number, reason: LockReason): Transition {
  return {
    state: {
      kind: 'locked',
      userId: state.userId,
      authenticatedAt: state.authenticatedAt,
      lockedAt: at,
      reason,
      pinFailures: 0,
    },
    effects: [
      ...(state.warningSince === null ? [] : [{ type: 'countdown-cancelled' } as const]),
      { type: 'lock', reason },
    ],
  };
}

function unlockedTick(
  state: Extract<MachineState, { kind: 'unlocked' }>,
  at: number,
  systemIdleMs: number | null,
  timings: SessionTimings,
): Transition {
  if (at - state.authenticatedAt >= timings.reauthMs) return lock(state, at, 'reauth');
  // Under `system`, input anywhere on the machine counts as presence; under `app`, only input here.
  const presentAt =
    timings.idleSource === 'app' || systemIdleMs === null
      ? state.lastActivityAt
      : Math.max(state.lastActivityAt, at - systemIdleMs);
  const idle = at - presentAt;
  if (idle >= timings.idleLockMs) return lock(state, at, 'idle');
  if (idle >= timings.idleLockMs - timings.warningMs) {
    if (state.warningSince !== null) return stay(state);
    return {
      state: { ...state, lastActivityAt: presentAt, warningSince: at },
      effects: [{ type: 'countdown', lockAt: presentAt + timings.idleLockMs }],
    };
  }
  if (state.warningSince !== null) {
    return {
      state: { ...state, lastActivityAt: presentAt, warningSince: null },
      effects: [{ type: 'countdown-cancelled' }],
    };
  }
  return stay({ ...state, lastActivityAt: presentAt });
}

export function step(state: MachineState, event: MachineEvent, timings: SessionTimings): Transition {
  switch (event.type) {
    case 'signed-in':
      return {
        state: {
          kind: 'unlocked',
          userId: event.userId,
          authenticatedAt: event.at,
          lastActivityAt: event.at,
          warningSince: null,
        },
        effects: [],
      };

    case 'signed-out':
      if (state.kind === 'signed-out') return stay(state);
      return { state: SIGNED_OUT, effects: [{ type: 'logoff', reason: event.reason }] };

    case 'other-user':
      // On a shared workstation a colleague signing in ends this user's session outright.
      if (state.kind === 'signed-out') return stay(state);
      return { state: SIGNED_OUT, effects: [{ type: 'logoff', reason: 'user-switch' }] };

    case 'activity':
      if (state.kind !== 'unlocked') return stay(state);
      if (state.warningSince !== null) {
        return {
          state: { ...state, lastActivityAt: event.at, warningSince: null },
          effects: [{ type: 'countdown-cancelled' }],
        };
      }
      return stay({ ...state, lastActivityAt: Math.max(state.lastActivityAt, event.at) });

    case 'tick':
      if (state.kind === 'unlocked') return unlockedTick(state, event.at, event.systemIdleMs, timings);
      if (state.kind === 'locked' && event.at - state.lockedAt >= timings.autoLogoffMs) {
        return { state: SIGNED_OUT, effects: [{ type: 'logoff', reason: 'auto-logoff' }] };
      }
      return stay(state);

    case 'lock':
      // Suspend or an OS lock while already locked changes nothing (the logoff clock keeps running).
      if (state.kind !== 'unlocked') return stay(state);
      return lock(state, event.at, event.reason);

    case 'unlocked': {
      if (state.kind !== 'locked') return stay(state);
      if (event.method === 'pin' && !pinUsable(state, timings, event.at)) return stay(state);
      const authenticatedAt = event.method === 'password' ? event.at : state.authenticatedAt;
      return {
        state: {
          kind: 'unlocked',
          userId: state.userId,
          authenticatedAt,
          lastActivityAt: event.at,
          warningSince: null,
        },
        effects: [],
      };
    }

    case 'unlock-failed': {
      if (state.kind !== 'locked') return stay(state);
      // The fifth wrong PIN or password ends the session: only a full sign-in (password and code,
      // throttled by the server) comes back.
      if (state.pinFailures + 1 >= timings.pinAttempts)
        return { state: SIGNED_OUT, effects: [{ type: 'logoff', reason: 'pin-attempts' }] };
      return stay({ ...state, pinFailures: state.pinFailures + 1 });
    }
  }
}
