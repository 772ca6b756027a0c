/**
 * The workstation's session: who is signed in, and everything that exists only while they are
 * (the server session, their open vault, their identity keys, their messaging). Sign-out and a
 * session ended by the server both tear all of it down: messaging stopped, vault closed, keys
 * zeroed. The lock and auto-logoff rules arrive with the session-security issue and build on this.
 */
import os from 'node:os';
import type { Role } from '../../shared/access/permission-matrix';
import { appError, type AppError } from '../../shared/errors';
import type { SessionState, SignInStep as IpcSignInStep } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { zeroIdentityKeys } from '../crypto/identity-keys';
import type { DeviceIdentityResult } from '../device/device-identity';
import { loginProof, refreshProof } from '../device/device-proof';
import type { KdfParams } from '../keys/kdf-params';
import type { PasswordKeys } from '../keys/password-kdf';
import type { Logger } from '../logging/logger';
import { createMessagingService, type MessagingService } from '../messaging/messaging-service';
import type { ApiClient } from '../server-link/api-client';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import type { ConnectionState } from '../../shared/ipc/contract';
import type { VaultManager, OpenVault } from '../vault/vault-manager';
import { createServerSession, type ServerSession } from './server-session';
import { createSignInFlow, type SignedIn, type SignInFlow } from './sign-in-flow';

export interface SessionEvents {
  readonly session: (state: SessionState) => void;
  readonly connection: (state: ConnectionState) => void;
  readonly listChanged: () => void;
  readonly threadChanged: (conversationId: string) => void;
}

export interface SessionDeps {
  readonly vaults: VaultManager;
  /** Null when no server is configured: sign-in says so instead of failing obscurely. */
  readonly server: { readonly endpoint: ServerEndpoint; readonly api: ApiClient } | null;
  /** Loads this workstation's device key on first use. */
  readonly deviceIdentity: () => Promise<DeviceIdentityResult>;
  readonly derive: (password: string, salt: Uint8Array, params: KdfParams) => Promise<PasswordKeys>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly events: SessionEvents;
  readonly deviceName?: string;
  /** See MessagingDeps.initialSyncWindowMs. */
  readonly initialSyncWindowMs?: number;
}

interface Active {
  readonly signedIn: SignedIn;
  readonly server: ServerSession;
  readonly messaging: MessagingService;
  readonly vault: OpenVault;
}

export interface SessionService {
  state(): SessionState;
  role(): Role | null;
  signIn(userId: string, password: string): Promise<IpcResult<IpcSignInStep>>;
  verifyMfa(code: string): Promise<IpcResult<SessionState>>;
  cancelSignIn(): IpcResult<SessionState>;
  signOut(): Promise<IpcResult<SessionState>>;
  /** The signed-in clinician's messaging, or null when nobody is signed in. */
  messaging(): MessagingService | null;
  close(): Promise<void>;
}

export function createSessionService(deps: SessionDeps): SessionService {
  let current: SessionState = { state: 'signed-out' };
  let active: Active | null = null;
  let flow: SignInFlow | null = null;
  let device: Extract<DeviceIdentityResult, { ok: true }>['value'] | null = null;
  // One sign-in or sign-out at a time: a double click must not open two sessions.
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

  async function ensureFlow(): Promise<{ ok: true; flow: SignInFlow } | { ok: false; error: AppError }> {
    if (deps.server === null) return { ok: false, error: appError('NO_SERVER_CONFIGURED') };
    if (device === null) {
      const loaded = await deps.deviceIdentity();
      if (!loaded.ok) {
        deps.logger.error({ code: loaded.error }, 'device identity unusable');
        return { ok: false, error: appError(loaded.error === 'DEVICE_PROTECTION_UNAVAILABLE' ? 'DEVICE_PROTECTION_UNAVAILABLE' : 'DEVICE_IDENTITY_UNUSABLE') };
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
    });
    return { ok: true, flow };
  }

  function activate(signedIn: SignedIn): SessionState {
    const server = deps.server;
    const signer = device;
    if (server === null || signer === null) throw new Error('activate without server or device');
    const account = signedIn.session.account;
    const serverSession = createServerSession({
      api: server.api,
      session: signedIn.session,
      refreshProof: (sessionId) => refreshProof(signer, sessionId, deps.now()),
      now: deps.now,
      onEnded: () => void endedByServer('expired').catch(() => undefined),
    });
    const messaging = createMessagingService({
      api: server.api,
      endpoint: server.endpoint,
      store: signedIn.vault.store,
      token: () => serverSession.token(),
      identity: signedIn.identity,
      self: account,
      deviceId: signer.deviceId,
      now: deps.now,
      onConnection: deps.events.connection,
      onListChanged: deps.events.listChanged,
      onThreadChanged: deps.events.threadChanged,
      onSessionEnded: (reason) => void endedByServer(reason).catch(() => undefined),
      onRejected: (reason) => deps.logger.warn({ reason }, 'feed event rejected'),
      ...(deps.initialSyncWindowMs === undefined ? {} : { initialSyncWindowMs: deps.initialSyncWindowMs }),
    });
    active = { signedIn, server: serverSession, messaging, vault: signedIn.vault };
    serverSession.start();
    messaging.start();
    deps.logger.info({ userId: account.userId, role: account.role }, 'signed in');
    const state: SessionState = { state: 'unlocked', user: { userId: account.userId, displayName: account.displayName, role: account.role } };
    set(state);
    return state;
  }

  /** Everything of the signed-in clinician is closed and zeroed, in this order. */
  async function teardown(tellServer: boolean): Promise<void> {
    const ending = active;
    active = null;
    if (ending === null) return;
    await ending.messaging.stop();
    if (tellServer) await ending.server.end();
    else ending.server.drop();
    await ending.vault.lock();
    await zeroIdentityKeys(ending.signedIn.identity);
  }

  function endedByServer(reason: string): Promise<void> {
    return serial(async () => {
      if (active === null) return;
      deps.logger.info({ reason }, 'session ended by server');
      await teardown(false);
      set({ state: 'signed-out' });
    });
  }

  return {
    state: () => current,
    role: () => (current.state === 'unlocked' ? current.user.role : null),

    signIn: (userId, password) =>
      serial(async (): Promise<IpcResult<IpcSignInStep>> => {
        if (active !== null) return fail(appError('VAULT_IN_USE'));
        const ready = await ensureFlow();
        if (!ready.ok) return fail(ready.error);
        const result = await ready.flow.begin(userId, password);
        if (!result.ok) {
          deps.logger.info({ code: result.error.code }, 'sign-in refused');
          return fail(result.error);
        }
        const step = result.value;
        if (step.step === 'signed-in') return ok({ step: 'signed-in', state: activate(step.signedIn) });
        return ok(step);
      }),

    verifyMfa: (code) =>
      serial(async (): Promise<IpcResult<SessionState>> => {
        if (flow === null || !flow.inProgress) return fail(appError('NO_SIGN_IN_IN_PROGRESS'));
        const result = await flow.verify(code);
        if (!result.ok) {
          deps.logger.info({ code: result.error.code }, 'second factor refused');
          return fail(result.error);
        }
        return ok(activate(result.value));
      }),

    cancelSignIn() {
      flow?.cancel();
      return ok(current);
    },

    signOut: () =>
      serial(async () => {
        flow?.cancel();
        await teardown(true);
        set({ state: 'signed-out' });
        return ok(current);
      }),

    messaging: () => active?.messaging ?? null,

    close: () =>
      serial(async () => {
        flow?.cancel();
        await teardown(true);
        device?.close();
        device = null;
      }),
  };
}
