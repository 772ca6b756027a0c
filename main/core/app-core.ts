/**
 * The main-process core: everything main does except Electron glue. Electron and the browser
 * host each wrap it with their own transport; nothing here imports Electron.
 */
import { channels, type EventName, type EventPayload } from '../../shared/ipc/contract';
import { appError } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { ok as okResult } from '../../shared/result';
import { createRouter, type Router, type RouterLog } from '../ipc/router';
import type { Logger } from '../logging/logger';
import { createSessionService, type SessionService } from '../session/session-service';
import type { SystemIdle } from '../session/session-contract';
import type { PolicyLoad } from '../policy/policy-loader';
import { policySchema } from '../../shared/policy/policy-schema';
import type { AppInfo } from '../../shared/ipc/contract';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DeviceProtector } from '../keys/device-protector';
import { createVaultManager, type VaultEvent, type VaultManager } from '../vault/vault-manager';
import { loadOrCreateDeviceIdentity, type DeviceIdentityResult } from '../device/device-identity';
import { createAuditTrail, type AuditTrail } from '../audit/audit-trail';
import { auditEvent, NO_ACTOR } from '../../shared/audit/audit-event-builder';
import { createAdminConsole } from '../admin/admin-console';
import { createComplianceChannels } from '../audit/compliance-channels';
import { createMatterExport } from '../audit/matter-export';
import { createMessageHoldChannels } from '../audit/message-hold-channels';
import { archiveFingerprintOfBase64 } from '../../shared/node/archive/archive-key-pair';
import { readWitnessedHead } from '../audit/witnessed-head-file';
import { derivePasswordKeys, prepareKdf, releaseKdfStandby } from '../keys/password-kdf';
import { createLeadTemplates } from '../messaging/lead-templates';
import type { MessagingService } from '../messaging/messaging-service';
import { createBlobClient } from '../server-link/blob-client';
import { createApiClient } from '../server-link/api-client';
import { appCodeOfStoreError, StoreError } from '../store/store-error';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import { appCodeOf } from '../server-link/api-error-code';
import { normalizeEnrollmentCode } from '../../shared/protocol/enrollment';
import { createDeviceCommands, type DeviceCommands } from '../device/device-commands';
import {
  armDeviceKeyShred,
  disarmDeviceKeyShred,
  finishInterruptedShred,
  shredDeviceKey,
} from '../device/device-key-shred';
import { createRemoteWipe } from '../device/remote-wipe';
import { ed25519Verifier } from '../../shared/node/crypto/ed25519';
import { loadSodium } from '../../shared/node/crypto/sodium';

export interface AppCoreOptions {
  /** The workstation data folder: `machine/` and `vaults/` (main/fs/data-locations.ts). */
  readonly dataDir: string;
  /** This OS user's compliance exports (default `<dataDir>/exports`, as the browser host and tests keep it). */
  readonly exportsDir?: string;
  /** Where attachments are saved when policy allows it (the OS user's Downloads in the app). */
  readonly downloadsDir?: string;
  readonly host: AppInfo['host'];
  readonly environment: AppInfo['environment'];
  readonly version: string;
  /** Origin of the only page allowed to call: `app://wardline` or the browser host's own. */
  readonly trustedOrigin: string;
  readonly logger: Logger;
  /** This machine's key protector (OS keystore, or a machine secret file), or null if none. */
  readonly device: DeviceProtector | null;
  /** Policy: whether vaults may be created without device protection when there is none. */
  readonly allowUnprotectedDevice: boolean;
  /** The server this workstation talks to, with its pinned CA; null if none is configured. */
  readonly server: ServerEndpoint | null;
  readonly now?: () => number;
  /** The machine-wide policy as loaded at start (default: the documented defaults). */
  readonly policy?: PolicyLoad;
  /** The OS's idle time (Electron's powerMonitor); none in the browser host. */
  readonly systemIdle?: SystemIdle;
  /** How often session deadlines are checked (tests shorten it). */
  readonly sessionTickMs?: number;
  /** How often vaults unused past the policy's vaultPurgeAfterDays are looked for (default hourly, and at start). */
  readonly vaultPurgeCheckMs?: number;
  /** How far back a first sign-in here syncs at once (default 30 days); older is fetched on demand. */
  readonly initialSyncWindowMs?: number;
  /** Audit sync retry waits (tests shorten them). */
  readonly auditSyncBackoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly auditSyncDebounceMs?: number;
  /** How long a remote wipe waits for the audit log to reach the server before keeping it (default 20 s). */
  readonly wipeAuditSyncTimeoutMs?: number;
}

/** The longest a sign-in waits to hear whether IT queued a wipe for this workstation. */
const SIGN_IN_COMMAND_CHECK_MS = 5_000;

const vaultAuditEvent = ({ action, vaultId, actor, outcome, reason }: VaultEvent) =>
  auditEvent({
    action,
    actor,
    object: { kind: 'vault', id: vaultId },
    outcome: outcome ?? 'success',
    reason: reason ?? null,
  });

export type CoreEventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface AppCore {
  readonly router: Router;
  /** The workstation session (the Electron glue feeds it OS lock and suspend). */
  readonly session: SessionService;
  /** The clinicians' encrypted vaults on this workstation. */
  readonly vaults: VaultManager;
  /** This workstation's audit trail. */
  readonly audit: AuditTrail;
  /** Subscribes a transport to main-to-renderer events. */
  onEvent(listener: CoreEventListener): () => void;
  close(): Promise<void>;
}

export function createAppCore(options: AppCoreOptions): AppCore {
  const now = options.now ?? Date.now;
  const exportsDir = options.exportsDir ?? path.join(options.dataDir, 'exports');
  const startedAt = now();
  // A remote wipe cut short by a crash is finished before anything loads the device key.
  if (finishInterruptedShred(options.dataDir)) options.logger.info({}, 'interrupted device key shred finished');
  // IT's commands for this workstation (a remote wipe); any answer saying one waits prompts a look.
  let commands: DeviceCommands | null = null;
  const api =
    options.server === null ? null : createApiClient(options.server, { onCommandsPending: () => commands?.hint() });
  const blobs = options.server === null ? null : createBlobClient(options.server);
  // One device identity for the process: it signs sign-ins and audit batches, and keys the audit log.
  let identityLoad: Promise<DeviceIdentityResult> | null = null;
  const deviceIdentity = (): Promise<DeviceIdentityResult> => {
    const loading = (identityLoad ??= loadOrCreateDeviceIdentity({
      dataDir: options.dataDir,
      device: options.device,
      allowUnprotectedDevice: options.allowUnprotectedDevice,
    }));
    // A failure is not cached: IT may fix the file while the app runs.
    void loading.then((loaded) => {
      if (!loaded.ok && identityLoad === loading) identityLoad = null;
    });
    return loading;
  };
  const audit = createAuditTrail({
    dataDir: options.dataDir,
    identity: deviceIdentity,
    api,
    now,
    logger: options.logger,
    ...(options.auditSyncBackoff ? { syncBackoff: options.auditSyncBackoff } : {}),
    ...(options.auditSyncDebounceMs === undefined ? {} : { syncDebounceMs: options.auditSyncDebounceMs }),
  });
  const vaults = createVaultManager({
    dataDir: options.dataDir,
    device: options.device,
    allowUnprotectedDevice: options.allowUnprotectedDevice,
    now,
    randomBytes: (length) => new Uint8Array(randomBytes(length)),
    audit: {
      record: (event) => audit.record(vaultAuditEvent(event)),
      note: (event) => audit.note(vaultAuditEvent(event)),
    },
  });
  const listeners = new Set<CoreEventListener>();
  const emit: CoreEventListener = (name, payload) => {
    for (const listener of listeners) listener(name, payload);
  };
  const policyLoad: PolicyLoad =
    options.policy ?? okResult({ policy: policySchema.parse({}), source: 'defaults', location: null, setKeys: [] });
  // An invalid policy lets nobody sign in; the session runs on defaults only to say so.
  const policyError = policyLoad.ok ? null : appError(policyLoad.error.code, policyLoad.error.keys);
  const policy = policyLoad.ok ? policyLoad.value.policy : policySchema.parse({});
  void audit.note(
    policyLoad.ok
      ? auditEvent({
          action: 'policy.loaded',
          actor: NO_ACTOR,
          reason: policyLoad.value.source.toUpperCase().replace(/[^A-Z]/g, '_'),
        })
      : auditEvent({ action: 'policy.rejected', actor: NO_ACTOR, outcome: 'failure', reason: policyLoad.error.code }),
  );
  const session = createSessionService({
    policy,
    downloadsDir: options.downloadsDir ?? path.join(path.dirname(exportsDir), 'saved-attachments'),
    ...(options.systemIdle ? { systemIdle: options.systemIdle } : {}),
    ...(options.sessionTickMs === undefined ? {} : { tickMs: options.sessionTickMs }),
    vaults,
    audit,
    server: options.server === null || api === null || blobs === null ? null : { endpoint: options.server, api, blobs },
    deviceIdentity,
    derive: derivePasswordKeys,
    now,
    logger: options.logger,
    ...(options.initialSyncWindowMs === undefined ? {} : { initialSyncWindowMs: options.initialSyncWindowMs }),
    onCommandsPending: () => void commands?.check(),
    events: {
      session: (state) => {
        // A sign-in or lock screen is up: the next derivation's worker gets ready while the password is typed.
        if (state.state !== 'unlocked') prepareKdf(policy.kdfMemoryMiB);
        emit('session.changed', state);
      },
      lockWarning: (lockAt) => emit('session.lockWarning', { lockAt }),
      progress: (step) => emit('session.progress', { step }),
      notify: (notice) => emit('notification.show', notice),
      badge: (unread) => emit('badge.changed', { unread }),
      connection: (state) => emit('connection.changed', state),
      listChanged: () => emit('conversations.changed', {}),
      threadChanged: (conversationId) => emit('thread.changed', { conversationId }),
    },
  });
  // The app starts at the sign-in screen.
  prepareKdf(policy.kdfMemoryMiB);
  if (api !== null) {
    commands = createDeviceCommands({
      api,
      identity: deviceIdentity,
      pinnedAuditKey: () => {
        const read = readWitnessedHead(options.dataDir);
        return read.ok ? (read.value?.auditKey ?? null) : null;
      },
      audit,
      verifier: async () => ed25519Verifier(await loadSodium()),
      wipe: createRemoteWipe({
        exportsDir,
        vaults,
        audit,
        session,
        // The audit log's key is the device key's: both go, and the next use makes a new identity.
        deviceKey: {
          arm: () => armDeviceKeyShred(options.dataDir),
          disarm: () => disarmDeviceKeyShred(options.dataDir),
          shred: async () => {
            const loaded = await identityLoad?.catch(() => null);
            identityLoad = null;
            shredDeviceKey(options.dataDir);
            if (loaded?.ok) loaded.value.close();
          },
        },
        logger: options.logger,
        ...(options.wipeAuditSyncTimeoutMs === undefined ? {} : { auditSyncTimeoutMs: options.wipeAuditSyncTimeoutMs }),
      }),
      now,
      logger: options.logger,
    });
    commands.start();
  }

  // Vaults unused past the policy's limit go at start and then hourly, and only while no one is
  // signed in here, so a vault is never shredded under a sign-in that is opening it.
  const purgeUnusedVaults = async (): Promise<void> => {
    if (policy.vaultPurgeAfterDays === null || policyError !== null || session.state().state !== 'signed-out') return;
    try {
      const purged = await vaults.purgeUnused(policy.vaultPurgeAfterDays);
      if (purged.length > 0) options.logger.info({ vaults: purged.length }, 'unused vaults purged by policy');
    } catch (error) {
      options.logger.warn({ errorName: (error as Error).name }, 'unused vault purge failed');
    }
  };
  let vaultPurge: Promise<void> = purgeUnusedVaults();
  const vaultPurgeTimer = setInterval(() => {
    vaultPurge = vaultPurge.then(purgeUnusedVaults);
  }, options.vaultPurgeCheckMs ?? 3_600_000);
  vaultPurgeTimer.unref();

  /** Runs `task` with the signed-in clinician's messaging (the router has already checked the role). */
  const withMessaging = async <T>(
    task: (messaging: MessagingService) => Promise<IpcResult<T>>,
  ): Promise<IpcResult<T>> => {
    try {
      return await session.withMessaging(task);
    } catch (error) {
      // A full disk or a vault closed mid-call is said as such; nothing was half-written
      // (every store operation is one transaction).
      if (!(error instanceof StoreError)) throw error;
      options.logger.warn({ code: error.code }, 'vault operation failed');
      return fail(appError(appCodeOfStoreError(error)));
    }
  };

  const complianceChannels = createComplianceChannels({
    api,
    dataDir: options.dataDir,
    exportsDir,
    session,
    audit,
    now,
  });

  const matterExport =
    api === null || blobs === null
      ? null
      : createMatterExport({
          api,
          blobs,
          token: () => session.serverToken(),
          actor: () => {
            const current = session.state();
            return current.state === 'unlocked' ? { userId: current.user.userId, role: current.user.role } : null;
          },
          exportsDir,
          archiveFingerprint: () =>
            policy.archivePublicKey === null ? null : archiveFingerprintOfBase64(policy.archivePublicKey),
          witnessedAuditKey: () => {
            const read = readWitnessedHead(options.dataDir);
            return read.ok ? (read.value?.auditKey ?? null) : null;
          },
          record: (event) => audit.record(event),
          wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        });

  const adminConsole = createAdminConsole({
    api,
    token: () => session.serverToken(),
    userId: () => {
      const current = session.state();
      return current.state === 'unlocked' ? current.user.userId : null;
    },
    deviceId: () => session.deviceId(),
    derive: derivePasswordKeys,
    kdfFloor: { memoryMiB: policy.kdfMemoryMiB, passes: policy.kdfPasses },
    logger: options.logger,
  });

  /** A wipe waiting for this workstation (or a person) happens before any sign-in opens a vault; bounded. */
  const commandsChecked = async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      commands?.check(),
      new Promise((resolve) => (timer = setTimeout(resolve, SIGN_IN_COMMAND_CHECK_MS))),
    ]);
    clearTimeout(timer);
  };

  const log: RouterLog = {
    rejected: (channel, code) => options.logger.warn({ channel, code }, 'ipc request rejected'),
    handlerFailed: (channel, errorName) => options.logger.error({ channel, errorName }, 'ipc handler failed'),
  };

  const router = createRouter({
    contract: channels,
    trustedOrigin: options.trustedOrigin,
    currentRole: () => session.role(),
    log,
    handlers: {
      'app.getInfo': () =>
        Promise.resolve(
          ok({
            name: 'Wardline' as const,
            version: options.version,
            host: options.host,
            environment: options.environment,
          }),
        ),
      'system.health': () =>
        Promise.resolve(ok({ status: 'ok' as const, uptimeSeconds: Math.max(0, (now() - startedAt) / 1000) })),
      'server.getInfo': async () => {
        if (api === null) return fail(appError('NO_SERVER_CONFIGURED'));
        const health = await api.call('health', {});
        return health.ok ? ok({ demo: health.value.demo }) : fail(appError(appCodeOf(health.error.code)));
      },
      'session.getState': () => Promise.resolve(ok(session.state())),
      'session.signIn': async ({ userId, password }) => {
        if (policyError) return fail(policyError);
        await commandsChecked();
        return session.signIn(userId, password);
      },
      'session.enroll': async ({ userId, enrollmentCode, password }) => {
        if (policyError) return fail(policyError);
        const code = normalizeEnrollmentCode(enrollmentCode);
        if (code === null) return fail(appError('ENROLLMENT_INVALID'));
        await commandsChecked();
        return session.signIn(userId, password, code);
      },
      'session.verifyMfa': ({ code }) => session.verifyMfa(code),
      'session.cancelSignIn': () => Promise.resolve(session.cancelSignIn()),
      'session.signOut': () => session.signOut(),
      'session.lock': () => session.lock('request'),
      'session.unlock': (secret) => session.unlock(secret),
      'session.activity': () => {
        session.activity();
        return Promise.resolve(ok({}));
      },
      'session.setPin': ({ pin, password }) => session.setPin(pin, password),
      'session.switchUser': () => session.switchUser(),
      'sessions.list': () => session.listSessions(),
      'sessions.end': ({ sessionId }) => session.endOtherSession(sessionId),
      'policy.get': () =>
        Promise.resolve(
          policyLoad.ok
            ? ok({ policy: policyLoad.value.policy, source: policyLoad.value.source, dataFolder: options.dataDir })
            : fail(policyError ?? appError('POLICY_INVALID')),
        ),
      'connection.getState': () => withMessaging((m) => Promise.resolve(ok(m.connectionState()))),
      'directory.search': ({ query }) => withMessaging((m) => m.searchDirectory(query)),
      'conversations.list': ({ offset, limit }) => withMessaging((m) => m.listConversations(offset, limit)),
      'conversation.open': ({ conversationId, again }) =>
        withMessaging((m) => m.openConversation(conversationId, again === true)),
      'conversation.loadOlder': ({ conversationId, before }) =>
        withMessaging((m) => m.loadOlder(conversationId, before)),
      'search.messages': ({ query, limit }) => withMessaging((m) => m.searchMessages(query, limit)),
      'message.send': (request) => withMessaging((m) => m.send(request)),
      'attachment.begin': (request) => withMessaging((m) => m.attachments.begin(request)),
      'attachment.chunk': (request) => withMessaging((m) => m.attachments.chunk(request)),
      'attachment.finish': ({ draftId }) => withMessaging((m) => m.attachments.finish(draftId)),
      'attachment.discard': ({ draftId }) => withMessaging((m) => m.attachments.discard(draftId)),
      'attachment.open': ({ messageId, attachmentId }) =>
        withMessaging((m) => m.attachments.open(messageId, attachmentId)),
      'attachment.save': ({ messageId, attachmentId }) =>
        withMessaging((m) => m.attachments.save(messageId, attachmentId)),
      'attachment.retry': ({ messageId, attachmentId }) =>
        withMessaging((m) => m.attachments.retry(messageId, attachmentId)),
      'templates.list': ({ refresh }) => withMessaging((m) => m.listTemplates(refresh === true)),
      'message.recall': ({ messageId }) => withMessaging((m) => m.recall(messageId)),
      'message.acknowledge': (request) => withMessaging((m) => m.acknowledge(request)),
      'contact.acceptKeyChange': ({ userId }) => withMessaging((m) => m.acceptKeyChange(userId)),
      'availability.get': () => withMessaging((m) => m.readAvailability()),
      'directory.availability': ({ userIds }) => withMessaging((m) => m.availabilityOfPeople(userIds)),
      'availability.set': ({ availability }) => withMessaging((m) => m.setAvailability(availability)),
      ...createLeadTemplates({ api, token: () => session.serverToken() }),
      ...complianceChannels,
      ...createMessageHoldChannels({ api, token: () => session.serverToken() }),
      'holds.exportMatter': ({ matter }) =>
        matterExport === null
          ? Promise.resolve(fail(appError('NO_SERVER_CONFIGURED')))
          : matterExport.exportMatter(matter),
      // The same proof as the Administration view's, behind the compliance officer's permission.
      'holds.reauthenticate': (request, context) => adminConsole['admin.reauthenticate'](request, context),
      ...adminConsole,
    },
  });

  return {
    router,
    session,
    vaults,
    audit,
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      clearInterval(vaultPurgeTimer);
      await vaultPurge;
      await commands?.stop();
      await session.close();
      await vaults.lockAll();
      await audit.close();
      await releaseKdfStandby();
      const identity = await identityLoad?.catch(() => null);
      if (identity?.ok) identity.value.close();
      api?.close();
      blobs?.close();
    },
  };
}
