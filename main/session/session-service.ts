/**
 * The workstation's session: who is signed in, locked or not, and carrying out what the session
 * machine (session-machine.ts) decides. This module coordinates; each part is its own module:
 * sign-in-activation.ts (from a password to a session), session-unlock.ts (a locked session
 * opened again), unlocked-scope.ts (every secret a lock clears), locked-watch.ts (the feed while
 * locked), badge-counter.ts, session-pin.ts.
 *
 * - Lock: the renderer is told first (it drops every piece of PHI at once), then the unlocked
 *   scope closes once messaging calls in flight have finished (a send being sealed is queued, not
 *   lost): messaging stops, the vault closes and every key is zeroed. What stays in memory is only
 *   what unlocking needs: the wrapped identity keys, the KDF salt, and the PIN-sealed unlock
 *   secret. The server session stays (the device key refreshes it), so nothing signs in again.
 * - Logoff (sign-out, auto-logoff, another user, five wrong PINs, the server ending it, a remote
 *   wipe): all of the above, the server session revoked, and the unlock material dropped too.
 *   When it was not the person's own doing, the signed-out state says why (SIGNED_OUT_REASONS),
 *   so the sign-in screen never just reappears.
 */
import { appError } from '../../shared/errors';
import type { SessionState, SignedOutReason, SignInStep as IpcSignInStep } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { passwordLongEnough } from '../../shared/text/password-length';
import type { ActiveSession } from './active-session';
import { createDeadlineTicker } from './deadline-ticker';
import { startLockedWatch } from './locked-watch';
import type { LockHandover } from './unlocked-scope';
import { endOtherSession, listSessions } from './other-sessions';
import type { SessionDeps, SessionService } from './session-contract';
import {
  nextDeadline,
  pinUsable,
  SIGNED_OUT,
  step,
  timingsOf,
  type LockReason,
  type LogoffReason,
  type MachineEvent,
  type MachineState,
} from './session-machine';
import { messagingStarter } from './session-messaging';
import { actorOf, LOCK_REASON_CODES, logoffRecord, refusal } from './session-records';
import { createSignInActivation } from './sign-in-activation';
import { reopenScope, unlockKey, type UnlockContext } from './session-unlock';
import { auditEvent } from '../../shared/audit/audit-event-builder';

export type { SessionDeps, SessionService } from './session-contract';

/** What the sign-in screen says after the server ended the session, by the reason it gave. */
const SHOWN_AFTER_SERVER: Readonly<Record<string, SignedOutReason>> = {
  deactivated: 'account-disabled',
  revoked: 'signed-out-by-it',
  expired: 'session-expired',
};

/** Why an effect runs, beyond the event: the server's reason (logged), and what the screen says. */
interface Cause {
  readonly serverReason?: string;
  readonly shown?: SignedOutReason;
}

export function createSessionService(deps: SessionDeps): SessionService {
  const timings = timingsOf(deps.policy);
  /** The machine's state, what the renderer was last told, and who is signed in: this module's alone. */
  let machine: MachineState = SIGNED_OUT;
  let current: SessionState = { state: 'signed-out' };
  let active: ActiveSession | null = null;
  // One sign-in, lock, unlock or sign-out at a time: a double click must not open two sessions.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task);
    chain = run.catch(() => undefined);
    return run;
  };
  /** A sign-in or unlock whose steps the screen follows: it hears when the attempt has ended, either way. */
  const followed =
    <T>(task: () => Promise<T>) =>
    async (): Promise<T> => {
      try {
        return await task();
      } finally {
        deps.events.progress(null);
      }
    };

  const serverEnded = (reason: string) =>
    void dispatch(
      { type: 'signed-out', at: deps.now(), reason: 'server-ended' },
      { serverReason: reason, ...(SHOWN_AFTER_SERVER[reason] ? { shown: SHOWN_AFTER_SERVER[reason] } : {}) },
    );
  const startMessaging = messagingStarter(deps, serverEnded);
  const signIns = createSignInActivation(deps, {
    startMessaging,
    serverEnded,
    isCurrent: (session) => active === session,
  });

  const ticker = createDeadlineTicker({
    tickMs: deps.tickMs ?? 1000,
    pending: () => nextDeadline(machine, timings) !== null,
    tick: () => dispatch({ type: 'tick', at: deps.now(), systemIdleMs: deps.systemIdle?.idleMs() ?? null }),
    onError: (error: unknown) =>
      deps.logger.error({ errorName: error instanceof Error ? error.name : 'unknown' }, 'session tick failed'),
  });

  const set = (next: SessionState) => {
    current = next;
    deps.events.session(next);
  };
  const unlockedState = (session: ActiveSession): SessionState => ({
    state: 'unlocked',
    user: session.account,
    pin: session.pin.view(),
  });
  const lockedState = (session: ActiveSession): SessionState => ({
    state: 'locked',
    displayName: deps.policy.lockScreenShowsName ? session.account.displayName : null,
    unlockWith: session.pin.isSet && pinUsable(machine, timings, deps.now()) ? 'pin' : 'password',
  });

  /** Closes what only an unlocked session has; what it leaves for the watch. */
  async function closeScope(session: ActiveSession): Promise<LockHandover | null> {
    const scope = session.scope;
    session.scope = null;
    return scope === null ? null : scope.close();
  }

  /** While locked: the server ending the session ends it here; new envelopes raise a count-only notice. */
  function startWatch(session: ActiveSession, handover: LockHandover): void {
    const server = deps.server;
    if (server === null) return;
    session.watch = startLockedWatch({
      endpoint: server.endpoint,
      token: () => session.server.token(),
      cursor: handover.cursor,
      awaiting: handover.awaiting,
      userId: session.account.userId,
      onIncoming: (arrivedSinceLock, priority) => session.badge.incomingWhileLocked(arrivedSinceLock, priority),
      onAwaitingAcknowledgement: (count) => session.badge.awaitingAcknowledgement(count),
      onSessionEnded: serverEnded,
      ...(deps.onCommandsPending ? { onCommandsPending: deps.onCommandsPending } : {}),
    });
  }

  async function stopWatch(session: ActiveSession): Promise<void> {
    const watch = session.watch;
    session.watch = null;
    await watch?.stop();
  }

  async function doLock(session: ActiveSession, reason: LockReason): Promise<void> {
    // The screen first: the renderer drops PHI now, not after the vault has closed.
    session.pin.withdrawOffer();
    set(lockedState(session));
    deps.events.lockWarning(null);
    const handover = await closeScope(session);
    if (handover !== null && active === session) startWatch(session, handover);
    deps.logger.info({ userId: session.account.userId, reason }, 'session locked');
    await deps.audit.note(
      auditEvent({ action: 'session.locked', actor: actorOf(session), reason: LOCK_REASON_CODES[reason] }),
    );
  }

  async function doLogoff(reason: LogoffReason, tellServer: boolean, shown?: SignedOutReason): Promise<void> {
    const ending = active;
    active = null;
    ticker.stop();
    if (ending === null) return;
    set(shown === undefined ? { state: 'signed-out' } : { state: 'signed-out', reason: shown });
    deps.events.lockWarning(null);
    deps.events.badge(0);
    await stopWatch(ending);
    await closeScope(ending);
    if (tellServer) await ending.server.end();
    else ending.server.drop();
    deps.logger.info({ userId: ending.account.userId, reason }, 'signed out');
    await deps.audit.note(logoffRecord(reason, ending, tellServer, deps.now()));
  }

  /** Feeds the machine and carries out what it decides. Serialised with every other change. */
  function dispatch(event: MachineEvent, cause: Cause = {}): Promise<void> {
    return serial(() => apply(event, cause));
  }

  async function apply(event: MachineEvent, cause: Cause = {}): Promise<void> {
    const before = machine;
    const next = step(machine, event, timings);
    machine = next.state;
    for (const effect of next.effects) {
      switch (effect.type) {
        case 'countdown':
          deps.events.lockWarning(effect.lockAt);
          break;
        case 'countdown-cancelled':
          deps.events.lockWarning(null);
          break;
        case 'lock':
          if (active !== null) await doLock(active, effect.reason);
          break;
        case 'logoff':
          if (effect.reason === 'server-ended')
            deps.logger.info({ reason: cause.serverReason ?? 'ended' }, 'session ended by server');
          // The server already ended it when it says so; otherwise it is told, so the token dies now.
          await doLogoff(effect.reason, effect.reason !== 'server-ended', cause.shown);
          break;
      }
    }
    if (before.kind === 'locked' && machine.kind === 'locked' && active !== null && current.state === 'locked') {
      const state = lockedState(active);
      if (state.state === 'locked' && current.unlockWith !== state.unlockWith) set(state);
    }
  }

  async function activate(signedIn: Parameters<typeof signIns.activate>[0]): Promise<IpcResult<SessionState>> {
    const activated = await signIns.activate(signedIn);
    if (!activated.ok) return fail(activated.error);
    const session = activated.value;
    active = session;
    machine = step(machine, { type: 'signed-in', userId: session.account.userId, at: deps.now() }, timings).state;
    ticker.start();
    const state = unlockedState(session);
    set(state);
    return ok(state);
  }

  const unlocking: UnlockContext = {
    deps,
    pinUsable: () => pinUsable(machine, timings, deps.now()),
    unlockFailed: () => apply({ type: 'unlock-failed', at: deps.now() }),
    stillActive: () => active !== null,
    startMessaging,
  };

  return {
    state: () => current,
    role: () => (current.state === 'unlocked' ? current.user.role : null),

    signIn: (userId, password, enrollmentCode) =>
      serial(
        followed(async (): Promise<IpcResult<IpcSignInStep>> => {
          // A password chosen now must meet policy (one signed in with is whatever IT once allowed).
          if (enrollmentCode !== undefined && !passwordLongEnough(password, deps.policy.passwordMinLength))
            return fail(appError('PASSWORD_TOO_SHORT'));
          if (active !== null) {
            // Someone is signed in (locked): on a shared workstation a colleague's sign-in ends
            // their session at once; on a personal one it waits for them.
            if (!deps.policy.sharedWorkstation) return fail(appError('VAULT_IN_USE'));
            await apply({ type: 'other-user', at: deps.now() });
          }
          const ready = await signIns.ready();
          if (!ready.ok) return fail(ready.error);
          const flow = ready.value;
          const result = await flow.begin(userId, password, enrollmentCode);
          if (!result.ok) {
            deps.logger.info({ code: result.error.code }, 'sign-in refused');
            await deps.audit.note(refusal(result.error.code, 'sign-in.failed', flow.confirmed));
            return fail(result.error);
          }
          const stepResult = result.value;
          if (stepResult.step !== 'signed-in') return ok(stepResult);
          const activated = await activate(stepResult.signedIn);
          return activated.ok ? ok({ step: 'signed-in', state: activated.value }) : activated;
        }),
      ),

    verifyMfa: (code) =>
      serial(
        followed(async (): Promise<IpcResult<SessionState>> => {
          const flow = signIns.flow;
          if (flow === null || !flow.inProgress) return fail(appError('NO_SIGN_IN_IN_PROGRESS'));
          const result = await flow.verify(code);
          if (!result.ok) {
            deps.logger.info({ code: result.error.code }, 'second factor refused');
            await deps.audit.note(refusal(result.error.code, 'mfa.failed', flow.confirmed));
            return fail(result.error);
          }
          return activate(result.value);
        }),
      ),

    cancelSignIn() {
      signIns.cancel();
      return ok(current);
    },

    signOut: () =>
      serial(async () => {
        signIns.cancel();
        await apply({ type: 'signed-out', at: deps.now(), reason: 'signed-out' });
        return ok(current);
      }),

    lock: (reason = 'request') =>
      serial(async () => {
        if (active === null) return fail(appError('NOT_SIGNED_IN'));
        await apply({ type: 'lock', at: deps.now(), reason });
        return ok(current);
      }),

    unlock: (secret) =>
      serial(
        followed(async (): Promise<IpcResult<SessionState>> => {
          const session = active;
          if (session === null || machine.kind !== 'locked' || session.scope !== null)
            return fail(appError('NOT_LOCKED'));
          deps.events.progress('credentials');
          const key = await unlockKey(unlocking, session, secret);
          if (!key.ok) return key;
          deps.events.progress('messages');
          await stopWatch(session);
          const reopened = await reopenScope(unlocking, session, key.value);
          if (!reopened.ok) return reopened;
          session.scope = reopened.value;
          await apply({ type: 'unlocked', at: deps.now(), method: 'pin' in secret ? 'pin' : 'password' });
          try {
            await deps.audit.record(
              auditEvent({
                action: 'session.unlocked',
                actor: actorOf(session),
                reason: 'pin' in secret ? 'PIN' : 'PASSWORD',
              }),
            );
          } catch {
            // Nothing is shown unrecorded: locked again at once.
            await apply({ type: 'lock', at: deps.now(), reason: 'request' });
            return fail(appError('AUDIT_UNAVAILABLE'));
          }
          session.badge.seen();
          session.badge.refresh();
          const state = unlockedState(session);
          set(state);
          return ok(state);
        }),
      ),

    activity() {
      if (machine.kind !== 'unlocked') return;
      // Someone is looking at the window: later notices count from here.
      active?.badge.seen();
      void dispatch({ type: 'activity', at: deps.now() });
    },

    setPin: (pin, password) =>
      serial(async (): Promise<IpcResult<SessionState>> => {
        const session = active;
        if (session === null || session.scope === null) return fail(appError('NOT_SIGNED_IN'));
        const refused = await session.pin.choose(pin, password, session.scope);
        if (refused !== null) return fail(refused);
        const state = unlockedState(session);
        set(state);
        return ok(state);
      }),

    switchUser: () =>
      serial(async () => {
        signIns.cancel();
        if (active !== null) await apply({ type: 'other-user', at: deps.now() });
        return ok(current);
      }),

    serverToken: () => (current.state === 'unlocked' ? (active?.server.token() ?? null) : null),

    deviceId: () => (current.state === 'unlocked' ? (active?.deviceId ?? null) : null),

    async withMessaging(task) {
      const scope = active?.scope ?? null;
      if (scope === null || current.state !== 'unlocked') return fail(appError('NOT_SIGNED_IN'));
      return scope.use(task);
    },

    listSessions() {
      const session = active;
      if (session === null || deps.server === null) return Promise.resolve(fail(appError('NOT_SIGNED_IN')));
      return listSessions(deps.server.api, session);
    },

    endOtherSession(sessionId) {
      const session = active;
      if (session === null || deps.server === null) return Promise.resolve(fail(appError('NOT_SIGNED_IN')));
      return endOtherSession(deps.server.api, deps.logger, session, sessionId);
    },

    vaultOpen: () => active?.scope != null,

    whileWiping: (why, userId, task) =>
      serial(async () => {
        // A sign-in under way for the person (or anyone, on a workstation being wiped) stops here.
        if (userId === null || signIns.flow?.confirmed?.userId === userId) signIns.cancel();
        if (active !== null && (userId === null || active.account.userId === userId)) {
          await apply({ type: 'signed-out', at: deps.now(), reason: 'remote-wipe' }, { shown: why });
        } else if (userId === null && active === null) {
          set({ state: 'signed-out', reason: why });
        }
        try {
          return await task();
        } finally {
          // The device key may be gone: the next sign-in loads (or makes) the identity anew.
          if (userId === null) signIns.forgetDevice();
        }
      }),

    close: () =>
      serial(async () => {
        signIns.cancel();
        await doLogoff('signed-out', true);
        machine = SIGNED_OUT;
        signIns.forgetDevice();
      }),
  };
}
