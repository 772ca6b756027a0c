/**
 * The workstation session's contract: what it needs from the rest of main, the events it sends
 * the renderer, and what it offers the IPC handlers. Apart from the coordinator so every session
 * module can name the same dependencies.
 */
import type { Role } from '../../shared/access/permission-matrix';
import type {
  ConnectionState,
  SessionState,
  SignedOutReason,
  SignInProgress,
  SignInStep as IpcSignInStep,
} from '../../shared/ipc/contract';
import type { IpcResult } from '../../shared/ipc/result';
import type { Policy } from '../../shared/policy/policy-schema';
import type { AuditTrail } from '../audit/audit-trail';
import type { DeviceIdentityResult } from '../device/device-identity';
import type { KdfParams } from '../keys/kdf-params';
import type { PasswordKeys } from '../keys/password-kdf';
import type { Logger } from '../logging/logger';
import type { MessagingService } from '../messaging/messaging-service';
import type { Notice } from '../notifications/notification-content';
import type { BlobClient } from '../server-link/blob-client';
import type { ApiClient } from '../server-link/api-client';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import type { VaultManager } from '../vault/vault-manager';
import type { SessionList } from './other-sessions';
import type { LockReason } from './session-machine';

export interface SessionEvents {
  readonly session: (state: SessionState) => void;
  readonly lockWarning: (lockAt: number | null) => void;
  /** The step a sign-in or unlock is at; null when it has ended. */
  readonly progress: (step: SignInProgress | null) => void;
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
  readonly server: { readonly endpoint: ServerEndpoint; readonly api: ApiClient; readonly blobs: BlobClient } | null;
  /** Loads this workstation's device key on first use. */
  readonly deviceIdentity: () => Promise<DeviceIdentityResult>;
  readonly derive: (password: string, salt: Uint8Array, params: KdfParams) => Promise<PasswordKeys>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly events: SessionEvents;
  readonly policy: Policy;
  /** This OS user's folder for attachments saved where policy allows (main/attachments/attachment-access.ts). */
  readonly downloadsDir: string;
  readonly systemIdle?: SystemIdle;
  readonly deviceName?: string;
  /** See MessagingDeps.initialSyncWindowMs. */
  readonly initialSyncWindowMs?: number;
  /** How often the idle and logoff deadlines are checked. Default 1 s. */
  readonly tickMs?: number;
  /** The stream says IT has commands waiting for this workstation (main/device/device-commands.ts). */
  readonly onCommandsPending?: () => void;
}

export interface SessionService {
  state(): SessionState;
  role(): Role | null;
  /** With an enrollment code: the first sign-in of a new account (or after a password reset), choosing `password`. */
  signIn(userId: string, password: string, enrollmentCode?: string): Promise<IpcResult<IpcSignInStep>>;
  verifyMfa(code: string): Promise<IpcResult<SessionState>>;
  cancelSignIn(): IpcResult<SessionState>;
  signOut(): Promise<IpcResult<SessionState>>;
  lock(reason?: Extract<LockReason, 'request' | 'os-lock' | 'suspend'>): Promise<IpcResult<SessionState>>;
  unlock(secret: { pin: string } | { password: string }): Promise<IpcResult<SessionState>>;
  activity(): void;
  setPin(pin: string, password: string | null): Promise<IpcResult<SessionState>>;
  switchUser(): Promise<IpcResult<SessionState>>;
  listSessions(): Promise<IpcResult<SessionList>>;
  endOtherSession(sessionId: string): Promise<IpcResult<Record<string, never>>>;
  /** The unlocked user's server token (null when locked or signed out): for calls outside messaging. */
  serverToken(): string | null;
  /** This workstation's device id on the server, as the unlocked user's sign-in proved it (null when locked or signed out). */
  deviceId(): string | null;
  /** Runs `task` with the unlocked user's messaging; a lock waits for it before closing the vault. */
  withMessaging<T>(task: (messaging: MessagingService) => Promise<IpcResult<T>>): Promise<IpcResult<T>>;
  /** Whether this user's vault is open now (for the host's handle report and tests). */
  vaultOpen(): boolean;
  /**
   * A remote wipe (main/device/remote-wipe.ts): signs out whoever it concerns (`userId`, or
   * everyone for null) with `why` for the sign-in screen, then runs `task` with no sign-in,
   * lock or unlock in between.
   */
  whileWiping<T>(
    why: Extract<SignedOutReason, 'workstation-wiped' | 'user-wiped'>,
    userId: string | null,
    task: () => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}
