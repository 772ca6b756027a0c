import { describe, expect, it } from 'vitest';
import {
  nextDeadline,
  pinUsable,
  REAUTH_MS,
  SIGNED_OUT,
  step,
  timingsOf,
  type MachineEvent,
  type MachineState,
  type SessionTimings,
} from '../../../main/session/session-machine';
import { policySchema, type PolicyInput } from '../../../shared/policy/policy-schema';

const timings: SessionTimings = {
  idleLockMs: 120_000,
  idleSource: 'system',
  warningMs: 30_000,
  autoLogoffMs: 900_000,
  reauthMs: REAUTH_MS,
  pinAllowed: true,
  pinAttempts: 5,
};

/** Runs events in order from `start`, collecting every effect. */
function run(start: MachineState, events: readonly MachineEvent[], with_ = timings) {
  let state = start;
  const effects = [];
  for (const event of events) {
    const next = step(state, event, with_);
    state = next.state;
    effects.push(...next.effects);
  }
  return { state, effects };
}

const T0 = 1_800_000_000_000;
const signedIn = step(SIGNED_OUT, { type: 'signed-in', userId: 'nurse.adams', at: T0 }, timings).state;
const tick = (at: number, systemIdleMs: number | null = null): MachineEvent => ({ type: 'tick', at, systemIdleMs });

describe('session machine: signing in and out', () => {
  it('signs in to unlocked, with the password time recorded', () => {
    expect(signedIn).toEqual({
      kind: 'unlocked',
      userId: 'nurse.adams',
      authenticatedAt: T0,
      lastActivityAt: T0,
      warningSince: null,
    });
  });

  it('signs out from unlocked or locked, with a logoff effect; nothing happens when already out', () => {
    expect(step(signedIn, { type: 'signed-out', at: T0 + 1, reason: 'signed-out' }, timings)).toEqual({
      state: SIGNED_OUT,
      effects: [{ type: 'logoff', reason: 'signed-out' }],
    });
    const locked = step(signedIn, { type: 'lock', at: T0 + 1, reason: 'request' }, timings).state;
    expect(step(locked, { type: 'signed-out', at: T0 + 2, reason: 'server-ended' }, timings).effects).toEqual([
      { type: 'logoff', reason: 'server-ended' },
    ]);
    expect(step(SIGNED_OUT, { type: 'signed-out', at: T0, reason: 'signed-out' }, timings).effects).toEqual([]);
  });

  it('logs the user off at once when another user signs in here, locked or not', () => {
    expect(step(signedIn, { type: 'other-user', at: T0 + 5 }, timings).effects).toEqual([
      { type: 'logoff', reason: 'user-switch' },
    ]);
    const locked = step(signedIn, { type: 'lock', at: T0 + 1, reason: 'request' }, timings).state;
    expect(step(locked, { type: 'other-user', at: T0 + 5 }, timings)).toEqual({
      state: SIGNED_OUT,
      effects: [{ type: 'logoff', reason: 'user-switch' }],
    });
    expect(step(SIGNED_OUT, { type: 'other-user', at: T0 }, timings).effects).toEqual([]);
  });
});

describe('session machine: idle lock', () => {
  it('shows the countdown before the idle limit and locks at it', () => {
    const { state, effects } = run(signedIn, [
      tick(T0 + 89_999),
      tick(T0 + 90_000),
      tick(T0 + 100_000),
      tick(T0 + 120_000),
    ]);
    expect(effects).toEqual([
      { type: 'countdown', lockAt: T0 + 120_000 },
      { type: 'countdown-cancelled' },
      { type: 'lock', reason: 'idle' },
    ]);
    expect(state).toMatchObject({ kind: 'locked', lockedAt: T0 + 120_000, reason: 'idle', pinFailures: 0 });
  });

  it('cancels the countdown on any input in the app, and starts the idle time again', () => {
    const { state, effects } = run(signedIn, [
      tick(T0 + 95_000),
      { type: 'activity', at: T0 + 100_000 },
      tick(T0 + 120_000),
      tick(T0 + 189_999),
    ]);
    expect(effects).toEqual([{ type: 'countdown', lockAt: T0 + 120_000 }, { type: 'countdown-cancelled' }]);
    expect(state).toMatchObject({ kind: 'unlocked', lastActivityAt: T0 + 100_000, warningSince: null });
    expect(step(state, tick(T0 + 190_000), timings).effects).toEqual([{ type: 'countdown', lockAt: T0 + 220_000 }]);
  });

  it('under idleSource system, counts input elsewhere on the machine (system idle time) as presence', () => {
    // The clinician is typing in another program: the OS reports 2 s idle.
    const { state, effects } = run(signedIn, [tick(T0 + 95_000, 2_000)]);
    expect(effects).toEqual([]);
    expect(state).toMatchObject({ kind: 'unlocked', lastActivityAt: T0 + 93_000 });
    // ...and moving the mouse during the countdown cancels it.
    const warned = run(signedIn, [tick(T0 + 95_000, 95_000), tick(T0 + 100_000, 1_000)]);
    expect(warned.effects).toEqual([{ type: 'countdown', lockAt: T0 + 120_000 }, { type: 'countdown-cancelled' }]);
  });

  it('under idleSource app (a shared workstation), input elsewhere on the machine is not presence', () => {
    // A colleague works in the EHR on the same PC: the OS keeps reporting 1 s idle throughout.
    const app = { ...timings, idleSource: 'app' } as const;
    const { state, effects } = run(
      signedIn,
      [tick(T0 + 90_000, 1_000), tick(T0 + 100_000, 1_000), tick(T0 + 120_000, 1_000)],
      app,
    );
    expect(effects).toEqual([
      { type: 'countdown', lockAt: T0 + 120_000 },
      { type: 'countdown-cancelled' },
      { type: 'lock', reason: 'idle' },
    ]);
    expect(state).toMatchObject({ kind: 'locked', lockedAt: T0 + 120_000, reason: 'idle' });
    // Input in Wardline itself still counts.
    const here = run(
      signedIn,
      [tick(T0 + 95_000, 1_000), { type: 'activity', at: T0 + 100_000 }, tick(T0 + 120_000, 1_000)],
      app,
    );
    expect(here.effects).toEqual([{ type: 'countdown', lockAt: T0 + 120_000 }, { type: 'countdown-cancelled' }]);
    expect(here.state).toMatchObject({ kind: 'unlocked', lastActivityAt: T0 + 100_000 });
  });

  it('takes the idle source from policy: app on a shared workstation unless set, system on a personal one', () => {
    const source = (values: PolicyInput) => timingsOf(policySchema.parse(values)).idleSource;
    expect(source({})).toBe('app');
    expect(source({ sharedWorkstation: false })).toBe('system');
    expect(source({ sharedWorkstation: true, idleSource: 'system' })).toBe('system');
    expect(source({ sharedWorkstation: false, idleSource: 'app' })).toBe('app');
    expect(source({ idleSource: null })).toBe('app');
    expect(policySchema.safeParse({ idleSource: 'anywhere' }).success).toBe(false);
  });

  it('locks on request, on the OS screen lock and on suspend, ending any countdown', () => {
    for (const reason of ['request', 'os-lock', 'suspend'] as const) {
      expect(step(signedIn, { type: 'lock', at: T0 + 1, reason }, timings).effects).toEqual([{ type: 'lock', reason }]);
    }
    const warned = run(signedIn, [tick(T0 + 95_000), { type: 'lock', at: T0 + 96_000, reason: 'request' }]);
    expect(warned.effects).toEqual([
      { type: 'countdown', lockAt: T0 + 120_000 },
      { type: 'countdown-cancelled' },
      { type: 'lock', reason: 'request' },
    ]);
  });

  it('ignores input and lock requests while locked or signed out', () => {
    const locked = step(signedIn, { type: 'lock', at: T0 + 1, reason: 'request' }, timings).state;
    expect(step(locked, { type: 'activity', at: T0 + 2 }, timings)).toEqual({ state: locked, effects: [] });
    expect(step(SIGNED_OUT, { type: 'activity', at: T0 + 2 }, timings)).toEqual({ state: SIGNED_OUT, effects: [] });
    expect(step(SIGNED_OUT, { type: 'lock', at: T0 + 2, reason: 'request' }, timings).effects).toEqual([]);
  });
});

describe('session machine: while locked', () => {
  const locked = step(signedIn, { type: 'lock', at: T0 + 60_000, reason: 'request' }, timings).state;

  it('logs off after the auto-logoff period, not before', () => {
    expect(step(locked, tick(T0 + 60_000 + 899_999), timings).effects).toEqual([]);
    expect(step(locked, tick(T0 + 60_000 + 900_000), timings)).toEqual({
      state: SIGNED_OUT,
      effects: [{ type: 'logoff', reason: 'auto-logoff' }],
    });
  });

  it('stays locked through a suspend, and logs off on the first tick after waking past the limit', () => {
    const suspended = step(locked, { type: 'lock', at: T0 + 70_000, reason: 'suspend' }, timings);
    expect(suspended).toEqual({ state: locked, effects: [] });
    // The machine slept for an hour: the first check after waking ends the session.
    expect(step(suspended.state, tick(T0 + 3_600_000), timings).effects).toEqual([
      { type: 'logoff', reason: 'auto-logoff' },
    ]);
  });

  it('unlocks with a PIN, keeping the time of the last password', () => {
    const { state } = run(locked, [{ type: 'unlocked', at: T0 + 70_000, method: 'pin' }]);
    expect(state).toEqual({
      kind: 'unlocked',
      userId: 'nurse.adams',
      authenticatedAt: T0,
      lastActivityAt: T0 + 70_000,
      warningSince: null,
    });
  });

  it('ends the session on the fifth wrong PIN, so only a full sign-in comes back', () => {
    const wrong: MachineEvent = { type: 'unlock-failed', at: T0 + 61_000 };
    const four = run(locked, [wrong, wrong, wrong, wrong]);
    expect(four.effects).toEqual([]);
    expect(four.state).toMatchObject({ kind: 'locked', pinFailures: 4 });
    expect(pinUsable(four.state, timings, T0 + 61_000)).toBe(true);
    // A right PIN before the fifth still unlocks.
    expect(step(four.state, { type: 'unlocked', at: T0 + 62_000, method: 'pin' }, timings).state).toMatchObject({
      kind: 'unlocked',
    });
    expect(step(four.state, wrong, timings)).toEqual({
      state: SIGNED_OUT,
      effects: [{ type: 'logoff', reason: 'pin-attempts' }],
    });
  });

  it('unlocks with the password, which renews the 12-hour clock', () => {
    expect(step(locked, { type: 'unlocked', at: T0 + 62_000, method: 'password' }, timings).state).toMatchObject({
      kind: 'unlocked',
      authenticatedAt: T0 + 62_000,
    });
  });

  it('refuses a PIN when policy does not allow one', () => {
    const noPin = { ...timings, pinAllowed: false };
    expect(pinUsable(locked, noPin, T0 + 61_000)).toBe(false);
    expect(step(locked, { type: 'unlocked', at: T0 + 61_000, method: 'pin' }, noPin).state).toBe(locked);
  });
});

describe('session machine: re-authentication every 12 hours', () => {
  it('locks for the password at 12 hours even while the clinician is active', () => {
    let state = signedIn;
    // Busy all shift: input every minute.
    for (let at = T0 + 60_000; at < T0 + REAUTH_MS; at += 60_000) {
      state = step(state, { type: 'activity', at }, timings).state;
      expect(step(state, tick(at), timings).effects).toEqual([]);
    }
    const due = step(state, tick(T0 + REAUTH_MS), timings);
    expect(due.effects).toEqual([{ type: 'lock', reason: 'reauth' }]);
    expect(pinUsable(due.state, timings, T0 + REAUTH_MS)).toBe(false);
    expect(step(due.state, { type: 'unlocked', at: T0 + REAUTH_MS + 1, method: 'pin' }, timings).state).toBe(due.state);
    const renewed = step(due.state, { type: 'unlocked', at: T0 + REAUTH_MS + 5, method: 'password' }, timings).state;
    expect(renewed).toMatchObject({ kind: 'unlocked', authenticatedAt: T0 + REAUTH_MS + 5 });
  });

  it('does not accept a PIN for a lock that outlived the 12 hours', () => {
    const locked = step(
      signedIn,
      { type: 'lock', at: T0 + REAUTH_MS - 1000, reason: 'request' },
      { ...timings, autoLogoffMs: REAUTH_MS },
    );
    expect(pinUsable(locked.state, timings, T0 + REAUTH_MS - 1)).toBe(true);
    expect(pinUsable(locked.state, timings, T0 + REAUTH_MS)).toBe(false);
  });
});

describe('session machine: deadlines for the timer', () => {
  it('names the next moment a tick can change anything', () => {
    expect(nextDeadline(SIGNED_OUT, timings)).toBeNull();
    expect(nextDeadline(signedIn, timings)).toBe(T0 + 90_000);
    const warned = step(signedIn, tick(T0 + 90_000), timings).state;
    expect(nextDeadline(warned, timings)).toBe(T0 + 120_000);
    const locked = step(signedIn, { type: 'lock', at: T0 + 5, reason: 'request' }, timings).state;
    expect(nextDeadline(locked, timings)).toBe(T0 + 5 + 900_000);
  });
});
