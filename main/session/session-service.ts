/**
 * The workstation's session: who is signed in, and everything that exists only while they are
 * (the server session, their open vault, their identity keys, their messaging). The rules of
 * lock, unlock and logoff are session-machine.ts; this module carries its effects out.
 *
 * - Lock: the renderer is told first (it drops every piece of PHI at once), then messaging
 *   stops once calls in flight have finished (a send being sealed is queued, not lost), the
 *   vault closes and every key is zeroed. What stays in memory is only what unlocking needs:
 *   the wrapped identity keys, the KDF salt, and the PIN-sealed unlock secret. The server
 *   session stays (the device key refreshes it), so nothing has to sign in again.
 * - Logoff (sign-out, auto-logoff, another user, five wrong PINs, the server ending it): all of
 *   the above, the server session revoked, and the unlock material zeroed too.
 */
import { timingSafeEqual } from 'node:crypto';
import os from 'node:os';
import type { Role } from '../../shared/access/permission-matrix';
import { appError, type AppError, type ErrorCode } from '../../shared/errors';
import type { SessionState, SignInStep as IpcSignInStep } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { idleSourceOf, type Policy } from '../../shared/policy/policy-schema';
import { unwrapIdentityKeys, zeroIdentityKeys, type IdentityKeyPairs } from '../crypto/identity-keys';
import type { DeviceIdentityResult } from '../device/device-identity';
import { loginProof, refreshProof } from '../device/device-proof';
import type { KdfParams } from '../keys/kdf-params';
import type { PasswordKeys } from '../keys/password-kdf';
import type { Logger } from '../logging/logger';
import { createMessagingService, type MessagingService } from '../messaging/messaging-service';
import { noticeFor, type Notice } from '../notifications/notification-content';
import { createFeedStream, type FeedStream } from '../server-link/feed-stream';
import type { RouteResponse } from '../../shared/protocol/api';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import type { ConnectionState } from '../../shared/ipc/contract';
import { appCodeOfStoreError, StoreError } from '../store/store-error';
import type { VaultManager, OpenVault } from '../vault/vault-manager';
import { openWithPin, parsePinRecord, pinWellFormed, sealWithPin, type PinRecord } from './pin-unlock';
import { createServerSession, type ServerSession } from './server-session';
import {
  nextDeadline,
  PIN_ATTEMPTS,
  pinUsable,
  REAUTH_MS,
  SIGNED_OUT,
  step,
  type LockReason,
  type LogoffReason,
  type MachineEvent,
  type MachineState,
  type SessionTimings,
} from './session-machine';
import type { AuditEvent, AuditTrail } from '../audit/audit-trail';
import type { AuditAction } from '../../shared/audit/audit-event';
import {
  createSignInFlow,
  type ConfirmedAccount,
  type SignedIn,
  type SignInFlow,
  type UnlockMaterial,
} from './sign-in-flow';

export interface SessionEvents {
  readonly session: (state: SessionState) => void;
  readonly lockWarning: (lockAt: number | null) => void;
  readonly notify: (notice: Notice) => void;
  readonly badge: (unread: number) => void;
  readonly connection: (state: ConnectionState) => void;
  readonly listChanged: () => void;
  readonly threadChanged: (conversationId: string) => void;
}

/** The OS's idle time and lock/suspend signals (Electron's powerMonitor); absent in the browser host. */
export interface SystemIdle {
  idleMs(): number | null;
}

export interface SessionDeps {
  readonly vaults: VaultManager;
  /** Every sign-in, lock, unlock and logoff is recorded; an access that cannot be recorded is refused. */
  readonly audit: AuditTrail;
  /** Null when no server is configured: sign-in says so instead of failing obscurely. */
  readonly server: { readonly endpoint: ServerEndpoint; readonly api: ApiClient } | null;
  /** Loads this workstation's device key on first use. */
  readonly deviceIdentity: () => Promise<DeviceIdentityResult>;
  readonly derive: (password: string, salt: Uint8Array, params: KdfParams) => Promise<PasswordKeys>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly events: SessionEvents;
  readonly policy: Policy;
  readonly systemIdle?: SystemIdle;
  readonly deviceName?: string;
  /** See MessagingDeps.initialSyncWindowMs. */
  readonly initialSyncWindowMs?: number;
  /** How often the idle and logoff deadlines are checked. Default 1 s. */
  readonly tickMs?: number;
}

const PIN_SETTING = 'session.pin';
/** How long a locking session waits for messaging calls in flight before closing the vault anyway. */
const IN_FLIGHT_GRACE_MS = 5_000;

interface Account {
  readonly userId: string;
  readonly displayName: string;
  readonly role: Role;
}

/** A signed-in user, locked or not. Everything here is dropped and zeroed at logoff. */
interface Active {
  readonly account: Account;
  readonly signedIn: SignedIn;
  readonly server: ServerSession;
  readonly unlock: Omit<UnlockMaterial, 'wrapKey'>;
  /** Only while unlocked. */
  open: { vault: OpenVault; identity: IdentityKeyPairs; wrapKey: Uint8Array; messaging: MessagingService } | null;
  pin: PinRecord | null;
  /** No PIN yet and the password was just given: one may be chosen without asking it again. */
  pinOffered: boolean;
  /**
   * While locked: a stream that only watches (the vault is closed, nothing is stored), so a
   * session IT revokes ends within seconds and new messages still raise a name-free notice.
   */
  watch: FeedStream | null;
  /** Incoming messages since the clinician last used the window, and the last badge count. */
  unseen: number;
  badge: number;
}

export interface SessionService {
  state(): SessionState;
  role(): Role | null;
  signIn(userId: string, password: string): Promise<IpcResult<IpcSignInStep>>;
  verifyMfa(code: string): Promise<IpcResult<SessionState>>;
  cancelSignIn(): IpcResult<SessionState>;
  signOut(): Promise<IpcResult<SessionState>>;
  lock(reason?: Extract<LockReason, 'request' | 'os-lock' | 'suspend'>): Promise<IpcResult<SessionState>>;
  unlock(secret: { pin: string } | { password: string }): Promise<IpcResult<SessionState>>;
  activity(): void;
  setPin(pin: string, password: string | null): Promise<IpcResult<SessionState>>;
  switchUser(): Promise<IpcResult<SessionState>>;
  listSessions(): Promise<IpcResult<{ sessions: RouteResponse<'listSessions'>['sessions'] }>>;
  endOtherSession(sessionId: string): Promise<IpcResult<Record<string, never>>>;
  /** The unlocked user's server token (null when locked or signed out): for calls outside messaging. */
  serverToken(): string | null;
  /** Runs `task` with the unlocked user's messaging; a lock waits for it before closing the vault. */
  withMessaging<T>(task: (messaging: MessagingService) => Promise<IpcResult<T>>): Promise<IpcResult<T>>;
  /** Whether this user's vault is open now (for the host's handle report and tests). */
  vaultOpen(): boolean;
  close(): Promise<void>;
}

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

/** Why a session locked, as the audit record's reason code. */
const LOCK_REASON_CODES: Record<LockReason, string> = {
  idle: 'IDLE',
  request: 'REQUESTED',
  'os-lock': 'OS_LOCKED',
  suspend: 'SUSPENDED',
  reauth: 'PASSWORD_DUE',
};

const LOGOFF_RECORDS: Record<LogoffReason, { action: AuditAction; reason: string | null }> = {
  'signed-out': { action: 'session.signed-out', reason: null },
  'auto-logoff': { action: 'session.auto-logoff', reason: 'IDLE' },
  'user-switch': { action: 'session.user-switched', reason: null },
  'server-ended': { action: 'session.auto-logoff', reason: 'SERVER_ENDED' },
  'pin-attempts': { action: 'session.auto-logoff', reason: 'TOO_MANY_ATTEMPTS' },
};

const actorOf = (session: { account: { userId: string; role: Role } }) => ({
  userId: session.account.userId,
  role: session.account.role,
});

/**
 * Whom a sign-out record names. A record in a person's name must fall inside their server
 * session (shared/audit/actor-attestation.ts). Once the server has ended it, or it has outlived
 * its longest life (a PC that slept past it), signing out is the workstation's own doing: no
 * actor, and the account as the object.
 */
function speakerOf(session: Active, serverLive: boolean, now: number): Pick<AuditEvent, 'actor' | 'object'> {
  if (serverLive && now <= session.signedIn.session.maxExpiresAt) return { actor: actorOf(session) };
  return { actor: NOBODY, object: { kind: 'account', id: session.account.userId } };
}
const NOBODY = { userId: null, role: null } as const;

/**
 * The record of a refused sign-in step, and whom it names. An id typed at the password step is
 * never named: the field can hold a mistyped password (lower-cased, most passwords are well-formed
 * ids), and the server answers an unknown id exactly as a wrong password and locks it out the
 * same way, so nothing confirms it is an account. Once the server has accepted the password (a
 * second factor refused, a later step failing), the account exists and is named as the object.
 * Never as the actor: no session of theirs exists yet, so the workstation alone says it, and a
 * record in a person's name must fall inside one of their sessions (actor-attestation.ts).
 */
function refusal(
  code: ErrorCode,
  failed: 'sign-in.failed' | 'mfa.failed',
  confirmed: ConfirmedAccount | null,
): AuditEvent {
  const object =
    confirmed === null ? ({ kind: 'none' } as const) : ({ kind: 'account', id: confirmed.userId } as const);
  return {
    actor: NOBODY,
    action: code === 'ACCOUNT_LOCKED' ? 'account.locked-out' : failed,
    object,
    outcome: 'failure',
    reason: code,
  };
}

export function createSessionService(deps: SessionDeps): SessionService {
  const timings = timingsOf(deps.policy);
  let machine: MachineState = SIGNED_OUT;
  let current: SessionState = { state: 'signed-out' };
  let active: Active | null = null;
  let flow: SignInFlow | null = null;
  let device: Extract<DeviceIdentityResult, { ok: true }>['value'] | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let inFlight = 0;
  let drained: (() => void) | null = null;
  // One sign-in, lock, unlock or sign-out at a time: a double click must not open two sessions.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task);
    chain = run.catch(() => undefined);
    return run;
  };

  const set = (next: SessionState) => {
    current = next;
    deps.events.session(next);
  };

  function pinState(session: Active): Extract<SessionState, { state: 'unlocked' }>['pin'] {
    if (!deps.policy.pinAllowed) return 'not-allowed';
    if (session.pin !== null) return 'set';
    return session.pinOffered ? 'offered' : 'unset';
  }

  const unlockedState = (session: Active): SessionState => ({
    state: 'unlocked',
    user: session.account,
    pin: pinState(session),
  });
  const lockedState = (session: Active): SessionState => ({
    state: 'locked',
    displayName: deps.policy.lockScreenShowsName ? session.account.displayName : null,
    unlockWith: session.pin !== null && pinUsable(machine, timings, deps.now()) ? 'pin' : 'password',
  });

  async function ensureFlow(): Promise<{ ok: true; flow: SignInFlow } | { ok: false; error: AppError }> {
    if (deps.server === null) return { ok: false, error: appError('NO_SERVER_CONFIGURED') };
    if (device === null) {
      const loaded = await deps.deviceIdentity();
      if (!loaded.ok) {
        deps.logger.error({ code: loaded.error }, 'device identity unusable');
        return {
          ok: false,
          error: appError(
            loaded.error === 'DEVICE_PROTECTION_UNAVAILABLE'
              ? 'DEVICE_PROTECTION_UNAVAILABLE'
              : 'DEVICE_IDENTITY_UNUSABLE',
          ),
        };
      }
      device = loaded.value;
    }
    const signer = device;
    flow ??= createSignInFlow({
      api: deps.server.api,
      vaults: deps.vaults,
      device: { publicKey: signer.publicKey, loginProof: (userId) => loginProof(signer, userId, deps.now()) },
      deviceName: deps.deviceName ?? os.hostname().slice(0, 200),
      derive: deps.derive,
      now: deps.now,
      mfaRequired: deps.policy.mfaRequired,
      kdfFloor: { memoryMiB: deps.policy.kdfMemoryMiB, passes: deps.policy.kdfPasses },
    });
    return { ok: true, flow };
  }

  function startMessaging(session: Active, vault: OpenVault, identity: IdentityKeyPairs): MessagingService {
    const server = deps.server;
    const signer = device;
    if (server === null || signer === null) throw new Error('messaging without a server or device');
    const messaging = createMessagingService({
      api: server.api,
      endpoint: server.endpoint,
      store: vault.store,
      token: () => session.server.token(),
      identity,
      self: session.signedIn.session.account,
      deviceId: signer.deviceId,
      audit: (event) => deps.audit.record({ actor: actorOf(session), ...event }),
      now: deps.now,
      onConnection: deps.events.connection,
      onListChanged: () => {
        deps.events.listChanged();
        refreshBadge(session);
      },
      onThreadChanged: deps.events.threadChanged,
      onIncoming: (senderName) => {
        session.unseen += 1;
        deps.events.notify(
          noticeFor({ content: deps.policy.notificationContent, locked: false, unseen: session.unseen, senderName }),
        );
      },
      onSessionEnded: (reason) => void dispatch({ type: 'signed-out', at: deps.now(), reason: 'server-ended' }, reason),
      onRejected: (reason) => deps.logger.warn({ reason }, 'feed event rejected'),
      ...(deps.initialSyncWindowMs === undefined ? {} : { initialSyncWindowMs: deps.initialSyncWindowMs }),
    });
    messaging.start();
    return messaging;
  }

  async function activate(signedIn: SignedIn): Promise<IpcResult<SessionState>> {
    const signer = device;
    if (deps.server === null || signer === null) throw new Error('activate without server or device');
    const api = deps.server.api;
    const account = signedIn.session.account;
    // Recorded before anything of the clinician's becomes reachable: messaging, the feed and the
    // server session start only after it, and the renderer hears of the sign-in after that.
    try {
      await deps.audit.record({ actor: { userId: account.userId, role: account.role }, action: 'sign-in.succeeded' });
    } catch {
      // Nobody gets in unrecorded: what the sign-in opened is closed again, unused.
      deps.logger.error({ userId: account.userId }, 'sign-in could not be recorded; refused');
      await discard(signedIn);
      return fail(appError('AUDIT_UNAVAILABLE'));
    }
    const { wrapKey, ...unlock } = signedIn.unlock;
    const pin = parsePinRecord(await signedIn.vault.store.call('setting.get', { key: PIN_SETTING }).catch(() => null));
    const session: Active = {
      account: { userId: account.userId, displayName: account.displayName, role: account.role },
      signedIn,
      server: createServerSession({
        api,
        session: signedIn.session,
        refreshProof: (sessionId) => refreshProof(signer, sessionId, deps.now()),
        now: deps.now,
        onEnded: () => void dispatch({ type: 'signed-out', at: deps.now(), reason: 'server-ended' }, 'expired'),
      }),
      unlock,
      open: null,
      pin,
      pinOffered: pin === null,
      watch: null,
      unseen: 0,
      badge: 0,
    };
    active = session;
    session.open = {
      vault: signedIn.vault,
      identity: signedIn.identity,
      wrapKey,
      messaging: startMessaging(session, signedIn.vault, signedIn.identity),
    };
    session.server.start();
    machine = step(machine, { type: 'signed-in', userId: account.userId, at: deps.now() }, timings).state;
    startTicker();
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const spent = signedIn.timings;
    deps.logger.info(
      {
        userId: account.userId,
        role: account.role,
        timingsMs: {
          server: round(spent.server),
          kdf: round(spent.kdf),
          identity: round(spent.identity),
          vault: round(spent.vault),
        },
      },
      'signed in',
    );
    const state = unlockedState(session);
    set(state);
    return ok(state);
  }

  /** Closes what a completed sign-in opened, for one refused before it was used. */
  async function discard(signedIn: SignedIn): Promise<void> {
    await signedIn.vault.lock();
    await zeroIdentityKeys(signedIn.identity);
    signedIn.unlock.wrapKey.fill(0);
    await deps.server?.api.call('logout', {}, signedIn.session.token);
  }

  /** Waits (briefly) for messaging calls already running, so a lock never cuts a send in half. */
  async function settleInFlight(): Promise<void> {
    if (inFlight === 0) return;
    await Promise.race([
      new Promise<void>((resolve) => {
        drained = resolve;
      }),
      new Promise<void>((resolve) => setTimeout(resolve, IN_FLIGHT_GRACE_MS).unref()),
    ]);
    drained = null;
  }

  let badgeTimer: NodeJS.Timeout | null = null;
  /** Recounts unread messages for the badge, at most a few times a second. */
  function refreshBadge(session: Active): void {
    if (badgeTimer !== null) return;
    badgeTimer = setTimeout(() => {
      badgeTimer = null;
      const messaging = session.open?.messaging;
      if (messaging === undefined || active !== session) return;
      void messaging
        .unreadCount()
        .then((unread) => {
          session.badge = unread;
          deps.events.badge(unread);
        })
        .catch(() => undefined);
    }, 250);
    badgeTimer.unref();
  }

  /** While locked: session-ended frames end the session; new envelopes raise a count-only notice. */
  function startWatch(session: Active, cursor: number): void {
    const server = deps.server;
    if (server === null) return;
    const counted = new Set<string>();
    session.watch = createFeedStream({
      endpoint: server.endpoint,
      token: () => session.server.token(),
      // The vault's cursor: events after it are seen (and counted once) but not stored.
      cursor: () => Promise.resolve(cursor),
      onEvent: (event) => {
        if (
          event.type === 'envelope' &&
          event.envelope.header.sender.userId !== session.account.userId &&
          !counted.has(event.envelope.header.id)
        ) {
          counted.add(event.envelope.header.id);
          session.unseen += 1;
          deps.events.notify(
            noticeFor({
              content: deps.policy.notificationContent,
              locked: true,
              unseen: session.unseen,
              senderName: null,
            }),
          );
          deps.events.badge(session.badge + counted.size);
        }
        return Promise.resolve();
      },
      onState: () => undefined,
      onSessionEnded: (reason) => void dispatch({ type: 'signed-out', at: deps.now(), reason: 'server-ended' }, reason),
    });
    session.watch.start();
  }

  async function stopWatch(session: Active): Promise<void> {
    const watch = session.watch;
    session.watch = null;
    await watch?.stop();
  }

  /** Closes what only an unlocked session has: messaging, the vault, the keys. */
  async function closeOpen(session: Active): Promise<number | null> {
    const open = session.open;
    session.open = null;
    if (open === null) return null;
    await settleInFlight();
    const cursor = await open.messaging.cursor().catch(() => null);
    await open.messaging.stop();
    await open.vault.lock();
    await zeroIdentityKeys(open.identity);
    open.wrapKey.fill(0);
    return cursor;
  }

  async function doLock(session: Active, reason: LockReason): Promise<void> {
    // The screen first: the renderer drops PHI now, not after the vault has closed.
    session.pinOffered = false;
    set(lockedState(session));
    deps.events.lockWarning(null);
    const cursor = await closeOpen(session);
    if (cursor !== null && active === session) startWatch(session, cursor);
    deps.logger.info({ userId: session.account.userId, reason }, 'session locked');
    await deps.audit.note({ actor: actorOf(session), action: 'session.locked', reason: LOCK_REASON_CODES[reason] });
  }

  async function doLogoff(reason: LogoffReason, tellServer: boolean): Promise<void> {
    const ending = active;
    active = null;
    stopTicker();
    if (ending === null) return;
    set({ state: 'signed-out' });
    deps.events.lockWarning(null);
    deps.events.badge(0);
    await stopWatch(ending);
    await closeOpen(ending);
    if (tellServer) await ending.server.end();
    else ending.server.drop();
    deps.logger.info({ userId: ending.account.userId, reason }, 'signed out');
    const logoff = LOGOFF_RECORDS[reason];
    await deps.audit.note({
      ...speakerOf(ending, tellServer, deps.now()),
      action: logoff.action,
      reason: logoff.reason,
    });
  }

  /** Feeds the machine and carries out what it decides. Serialised with every other change. */
  function dispatch(event: MachineEvent, serverReason?: string): Promise<void> {
    return serial(() => apply(event, serverReason));
  }

  async function apply(event: MachineEvent, serverReason?: string): Promise<void> {
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
            deps.logger.info({ reason: serverReason ?? 'ended' }, 'session ended by server');
          // The server already ended it when it says so; otherwise it is told, so the token dies now.
          await doLogoff(effect.reason, effect.reason !== 'server-ended');
          break;
      }
    }
    if (before.kind === 'locked' && machine.kind === 'locked' && active !== null && current.state === 'locked') {
      const state = lockedState(active);
      if (state.state === 'locked' && current.unlockWith !== state.unlockWith) set(state);
    }
  }

  function startTicker() {
    stopTicker();
    ticker = setInterval(() => {
      if (nextDeadline(machine, timings) === null) return;
      void dispatch({ type: 'tick', at: deps.now(), systemIdleMs: deps.systemIdle?.idleMs() ?? null }).catch(
        (error: unknown) =>
          deps.logger.error({ errorName: error instanceof Error ? error.name : 'unknown' }, 'session tick failed'),
      );
    }, deps.tickMs ?? 1000);
    ticker.unref();
  }

  function stopTicker() {
    if (ticker) clearInterval(ticker);
    ticker = null;
  }

  /** Opens the vault and identity keys again with the wrap key; zeroes it on failure. */
  async function reopen(session: Active, wrapKey: Uint8Array): Promise<AppError | null> {
    await stopWatch(session);
    const vault = await deps.vaults.unlock(session.account.userId, wrapKey);
    if (!vault.ok) {
      wrapKey.fill(0);
      return appError(vault.error);
    }
    const identity = await unwrapIdentityKeys(
      session.unlock.wrappedIdentity.wrappedPrivateKeys,
      session.unlock.wrappedIdentity.publicKeys,
      wrapKey,
    );
    if (identity === null) {
      await vault.value.lock();
      wrapKey.fill(0);
      return appError('IDENTITY_KEYS_DAMAGED');
    }
    session.open = { vault: vault.value, identity, wrapKey, messaging: startMessaging(session, vault.value, identity) };
    return null;
  }

  return {
    state: () => current,
    role: () => (current.state === 'unlocked' ? current.user.role : null),

    signIn: (userId, password) =>
      serial(async (): Promise<IpcResult<IpcSignInStep>> => {
        if (active !== null) {
          // Someone is signed in (locked): on a shared workstation a colleague's sign-in ends
          // their session at once; on a personal one it waits for them.
          if (!deps.policy.sharedWorkstation) return fail(appError('VAULT_IN_USE'));
          await apply({ type: 'other-user', at: deps.now() });
        }
        const ready = await ensureFlow();
        if (!ready.ok) return fail(ready.error);
        const result = await ready.flow.begin(userId, password);
        if (!result.ok) {
          deps.logger.info({ code: result.error.code }, 'sign-in refused');
          await deps.audit.note(refusal(result.error.code, 'sign-in.failed', ready.flow.confirmed));
          return fail(result.error);
        }
        const stepResult = result.value;
        if (stepResult.step !== 'signed-in') return ok(stepResult);
        const activated = await activate(stepResult.signedIn);
        return activated.ok ? ok({ step: 'signed-in', state: activated.value }) : activated;
      }),

    verifyMfa: (code) =>
      serial(async (): Promise<IpcResult<SessionState>> => {
        if (flow === null || !flow.inProgress) return fail(appError('NO_SIGN_IN_IN_PROGRESS'));
        const result = await flow.verify(code);
        if (!result.ok) {
          deps.logger.info({ code: result.error.code }, 'second factor refused');
          await deps.audit.note(refusal(result.error.code, 'mfa.failed', flow.confirmed));
          return fail(result.error);
        }
        return activate(result.value);
      }),

    cancelSignIn() {
      flow?.cancel();
      return ok(current);
    },

    signOut: () =>
      serial(async () => {
        flow?.cancel();
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
      serial(async (): Promise<IpcResult<SessionState>> => {
        const session = active;
        if (session === null || machine.kind !== 'locked' || session.open !== null) return fail(appError('NOT_LOCKED'));
        let wrapKey: Uint8Array | null;
        if ('pin' in secret) {
          if (!deps.policy.pinAllowed) return fail(appError('PIN_NOT_ALLOWED'));
          if (session.pin === null) return fail(appError('PIN_NOT_SET'));
          if (!pinUsable(machine, timings, deps.now())) return fail(appError('PIN_DISABLED'));
          wrapKey = await openWithPin(deps.derive, secret.pin, session.pin);
          if (wrapKey === null) {
            deps.logger.info({ userId: session.account.userId }, 'wrong PIN');
            await deps.audit.note({
              actor: actorOf(session),
              action: 'session.unlocked',
              outcome: 'failure',
              reason: 'PIN_WRONG',
            });
            await apply({ type: 'unlock-failed', at: deps.now() });
            return fail(appError(active === null ? 'SESSION_EXPIRED' : 'PIN_WRONG'));
          }
        } else {
          const keys = await deps.derive(secret.password, session.unlock.salt, session.unlock.kdf);
          keys.authKey.fill(0);
          wrapKey = keys.wrapKey;
        }
        const failed = await reopen(session, wrapKey);
        if (failed !== null) {
          // A wrong password opens nothing: the vault's own check says so, and it counts like a wrong PIN.
          deps.logger.info({ code: failed.code }, 'unlock refused');
          await deps.audit.note({
            actor: actorOf(session),
            action: 'session.unlocked',
            outcome: 'failure',
            reason: failed.code,
          });
          if (failed.code === 'WRONG_PASSWORD') await apply({ type: 'unlock-failed', at: deps.now() });
          return fail(active === null ? appError('SESSION_EXPIRED') : failed);
        }
        await apply({ type: 'unlocked', at: deps.now(), method: 'pin' in secret ? 'pin' : 'password' });
        try {
          await deps.audit.record({
            actor: actorOf(session),
            action: 'session.unlocked',
            reason: 'pin' in secret ? 'PIN' : 'PASSWORD',
          });
        } catch {
          // Nothing is shown unrecorded: locked again at once.
          await apply({ type: 'lock', at: deps.now(), reason: 'request' });
          return fail(appError('AUDIT_UNAVAILABLE'));
        }
        session.unseen = 0;
        refreshBadge(session);
        const state = unlockedState(session);
        set(state);
        return ok(state);
      }),

    activity() {
      if (machine.kind !== 'unlocked') return;
      // Someone is looking at the window: later notices count from here.
      if (active !== null) active.unseen = 0;
      void dispatch({ type: 'activity', at: deps.now() });
    },

    setPin: (pin, password) =>
      serial(async (): Promise<IpcResult<SessionState>> => {
        const session = active;
        if (session === null || session.open === null) return fail(appError('NOT_SIGNED_IN'));
        if (!deps.policy.pinAllowed) return fail(appError('PIN_NOT_ALLOWED'));
        if (!pinWellFormed(pin, deps.policy.pinMinLength)) return fail(appError('PIN_TOO_SHORT'));
        if (!session.pinOffered) {
          if (password === null) return fail(appError('WRONG_PASSWORD'));
          const keys = await deps.derive(password, session.unlock.salt, session.unlock.kdf);
          keys.authKey.fill(0);
          // Constant time: the comparison must not tell how much of a guessed password was right.
          const same =
            keys.wrapKey.length === session.open.wrapKey.length && timingSafeEqual(keys.wrapKey, session.open.wrapKey);
          keys.wrapKey.fill(0);
          if (!same) return fail(appError('WRONG_PASSWORD'));
        }
        const floor = { memoryMiB: deps.policy.kdfMemoryMiB, passes: deps.policy.kdfPasses };
        const record = await sealWithPin(deps.derive, pin, session.open.wrapKey, floor);
        try {
          await session.open.vault.store.call('setting.set', { key: PIN_SETTING, value: JSON.stringify(record) });
        } catch (error) {
          if (error instanceof StoreError) return fail(appError(appCodeOfStoreError(error)));
          throw error;
        }
        session.pin = record;
        session.pinOffered = false;
        const state = unlockedState(session);
        set(state);
        return ok(state);
      }),

    switchUser: () =>
      serial(async () => {
        flow?.cancel();
        if (active !== null) await apply({ type: 'other-user', at: deps.now() });
        return ok(current);
      }),

    serverToken: () => (current.state === 'unlocked' ? (active?.server.token() ?? null) : null),

    async withMessaging(task) {
      const messaging = active?.open?.messaging ?? null;
      if (messaging === null || current.state !== 'unlocked') return fail(appError('NOT_SIGNED_IN'));
      inFlight += 1;
      try {
        return await task(messaging);
      } finally {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      }
    },

    async listSessions() {
      const session = active;
      if (session === null || deps.server === null) return fail(appError('NOT_SIGNED_IN'));
      const listed = await deps.server.api.call('listSessions', {}, session.server.token());
      return listed.ok ? ok({ sessions: listed.value.sessions }) : fail(appError(appCodeOf(listed.error.code)));
    },

    async endOtherSession(sessionId) {
      const session = active;
      if (session === null || deps.server === null) return fail(appError('NOT_SIGNED_IN'));
      // This workstation's own session ends with Sign out, which also closes the vault.
      if (sessionId === session.server.sessionId) return fail(appError('BAD_REQUEST'));
      const ended = await deps.server.api.call('endSession', { sessionId }, session.server.token());
      if (!ended.ok) return fail(appError(appCodeOf(ended.error.code)));
      deps.logger.info({ userId: session.account.userId }, 'ended another session');
      return ok({});
    },

    vaultOpen: () => active?.open != null,

    close: () =>
      serial(async () => {
        flow?.cancel();
        await doLogoff('signed-out', true);
        machine = SIGNED_OUT;
        // The device identity belongs to the core (the audit trail signs with it too).
        device = null;
      }),
  };
}
