/**
 * The reference server, started programmatically (tests, the CLI, an app embedding it):
 * `startServer(options)` → `{ url, port, caCertPath, admin, close() }`.
 *
 * Composition only: TLS material and the database are opened, the services are wired to the
 * routes and the stream, the demo is seeded if asked, and the server listens. `close()` undoes
 * it in reverse: streams closed, HTTP stopped, timers cleared, worker and database closed.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  ACCOUNT_AT_ADDRESS_THROTTLE,
  ACCOUNT_THROTTLE,
  ADDRESS_THROTTLE,
  type ThrottlePolicy,
} from './accounts/attempt-throttle';
import { PRELOGIN_SECRET_NAME } from './accounts/prelogin';
import { serverSecret } from './accounts/server-secret-store';
import { createServerAdmin, type ServerAdmin } from './admin/server-admin';
import { recordSiemConfiguration } from './admin/siem-configuration';
import { createApiHandlers } from './api-handlers';
import { loadAuditSigningKey } from './audit/audit-signing-key';
import { createAuditTree } from './audit/audit-tree';
import { createServerTrail, serverChainId } from './audit/server-trail';
import { exportTrail } from './audit/trail-export';
import { bootstrapAdmin } from './admin/bootstrap-admin';
import { localAdminFile, newLocalAdminToken, registerLocalAdmin, removeLocalAdmin } from './admin/local-admin';
import { writeFile } from 'node:fs/promises';
import { systemClock, type Clock } from './clock';
import { createPasswordHasher, type HashCost } from './crypto/password-hasher';
import { openDatabase } from './db/open-database';
import { seedDemo } from './demo/seed-demo';
import { registerApiRoutes } from './http/api-routes';
import { createAuthenticator } from './http/bearer-auth';
import { createHttpApp } from './http/http-app';
import { createServerLogger, type ServerLogOptions } from './logging/server-logger';
import { secureDataFolder } from './data-folder';
import { checkSiemOptions, startSiemFromOptions, type SiemOptions } from './siem/siem-setup';
import { parseFhirCodeSystemBase } from '../shared/audit/export-naming';
import { ServerOptionError } from './server-option-error';
import { registerScimRoutes } from './scim/scim-routes';
import { registerStreamRoute } from './stream/stream-route';
import { startStreamRegistry } from './stream/stream-registry';
import { loadOrCreateTlsMaterial } from './tls/tls-files';
import { releaseDueEscalations } from './relay/escalation-release';
import type { RoleEscalationTimes } from '../shared/protocol/escalation';
import { blobLimitsOf, type BlobLimits } from './blobs/blob-limits';
import { archiveRequirementOf, parseArchiveFingerprint } from '../shared/protocol/archive-key';
import { registerBlobRoutes } from './blobs/blob-routes';
import { DEFAULT_MESSAGE_RETENTION_DAYS } from '../shared/protocol/retention-days';
import { isRetentionDays } from './retention/message-retention';
import { MessageRetentionError, runMessageRetention, type RetentionRun } from './retention/message-retention-run';

export interface ServerOptions {
  /** TLS material, the embedded database and demo files live here. */
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Defaults to 127.0.0.1: the certificate names only loopback addresses. */
  readonly host?: string;
  /** `postgres://…`: use PostgreSQL instead of the embedded PGlite (required for several instances). */
  readonly databaseUrl?: string;
  /** Seed the demo directory if the database has no accounts yet. */
  readonly demo?: boolean;
  /** TOTP on every sign-in. Default true. */
  readonly mfaRequired?: boolean;
  readonly now?: Clock;
  readonly log?: ServerLogOptions;
  /** Sign-in throttle policies (attempt-throttle.ts): the account-wide lock, the waits per account at an address, per address. */
  readonly throttle?: {
    readonly account?: ThrottlePolicy;
    readonly accountAtAddress?: ThrottlePolicy;
    readonly address?: ThrottlePolicy;
  };
  /** Client KDF cost for new accounts (and what unknown ids are told). Default 64 MiB, 3 passes. */
  readonly accountKdf?: { readonly memoryMiB: number; readonly passes: number };
  /** Cost of the stored auth key hashes. Default libsodium's interactive (64 MiB, 2 passes). */
  readonly authKeyHashCost?: HashCost;
  /**
   * Forward the audit trail to this SIEM over syslog/TLS (RFC 5425), trusting only `caPem` and
   * presenting `clientCertificate` when given (siem/siem-setup.ts). With several instances on one
   * PostgreSQL, one of them forwards at a time.
   */
  readonly siem?: SiemOptions;
  /** Base URL of Wardline's FHIR code systems in audit exports; default `https://wardline.invalid/fhir` (shared/audit/export-naming.ts). */
  readonly fhirCodeSystemBase?: string;
  /** When role addresses' STAT messages re-alert and escalate; default DEFAULT_ESCALATION_TIMES (shared/protocol/escalation.ts). */
  readonly escalation?: RoleEscalationTimes;
  /** Attachment blobs: the largest, and what one person may hold unsent; default DEFAULT_BLOB_LIMITS (blobs/blob-limits.ts). */
  readonly blobs?: Partial<BlobLimits>;
  /**
   * The fingerprint of the hospital's archive key (as archive:keygen prints it): every envelope
   * must then be sealed to that key too, and sign-in tells workstations so
   * (shared/protocol/archive-key.ts). Default: none, the server does not archive.
   */
  readonly archiveKeyFingerprint?: string;
  /**
   * How many days after acceptance the server keeps a message's ciphertext before its daily
   * retention run deletes it (server/retention/message-retention.ts); legal holds keep what they
   * cover regardless. Default DEFAULT_MESSAGE_RETENTION_DAYS (six years).
   */
  readonly messageRetentionDays?: number;
}

export interface RunningServer {
  /** `https://<host>:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Absolute path of the CA certificate clients must pin. */
  readonly caCertPath: string;
  readonly admin: ServerAdmin;
  /** Folds what the server served into its chain now, instead of within a quarter second (tests, tools). */
  foldServerTrail(): Promise<void>;
  /** Releases the escalation alerts due now, instead of within half a second (tests, tools); how many. */
  releaseDueEscalations(): Promise<number>;
  /**
   * Runs message retention now, as the scheduled run would if it were due (`scheduled`: only if
   * due), its record folded into the chain before it returns (tests, tools). `actor`: an admin's
   * user id, or null for the server itself.
   */
  runMessageRetention(request?: { actor?: string | null; scheduled?: boolean }): Promise<RetentionRun>;
  close(): Promise<void>;
}

export const DEFAULT_ACCOUNT_KDF = Object.freeze({ memoryMiB: 64, passes: 3 });
const HOUSEKEEPING_INTERVAL_MS = 60 * 1000;
const SESSION_CHECK_INTERVAL_MS = 15 * 1000;
/** How often the daily message retention run is looked at: it runs when a day has passed since the last. */
const RETENTION_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** How often due escalation alerts are looked for: the most a step can be late by, plus the release. */
const ESCALATION_INTERVAL_MS = 500;
const STREAM_CLOSE_GRACE_MS = 500;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const clock = options.now ?? systemClock;
  const logger = createServerLogger(options.log);
  const host = options.host ?? '127.0.0.1';
  const accountKdf = options.accountKdf ?? DEFAULT_ACCOUNT_KDF;
  const accountThrottle = options.throttle?.account ?? ACCOUNT_THROTTLE;
  const accountAtAddressThrottle = options.throttle?.accountAtAddress ?? ACCOUNT_AT_ADDRESS_THROTTLE;
  const addressThrottle = options.throttle?.address ?? ADDRESS_THROTTLE;
  // Options that cannot be used are refused before anything is opened.
  const siemOptions = options.siem === undefined ? undefined : checkSiemOptions(options.siem);
  if (
    options.fhirCodeSystemBase !== undefined &&
    parseFhirCodeSystemBase(options.fhirCodeSystemBase) !== options.fhirCodeSystemBase
  )
    throw new ServerOptionError('FHIR_CODE_SYSTEM_BASE_INVALID');
  const blobLimits = blobLimitsOf(options.blobs);
  const archiveFingerprint =
    options.archiveKeyFingerprint === undefined ? null : parseArchiveFingerprint(options.archiveKeyFingerprint);
  if (options.archiveKeyFingerprint !== undefined && archiveFingerprint === null)
    throw new ServerOptionError('ARCHIVE_KEY_FINGERPRINT_INVALID');
  const archive = archiveFingerprint === null ? null : archiveRequirementOf(archiveFingerprint);
  const retentionDays = options.messageRetentionDays ?? DEFAULT_MESSAGE_RETENTION_DAYS;
  if (!isRetentionDays(retentionDays)) throw new ServerOptionError('MESSAGE_RETENTION_DAYS_INVALID');

  // Before anything in the data folder is read or created: refused if others can write it.
  await secureDataFolder(options.dataDir);
  const tls = await loadOrCreateTlsMaterial(options.dataDir, clock());
  const db = await openDatabase({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    onListenerLost: () => logger.warn({ event: 'db-listener-lost' }, 'database'),
  });
  const hasher = createPasswordHasher(options.authKeyHashCost);
  const cleanups: (() => Promise<void>)[] = [() => db.close(), () => hasher.close()];
  const undo = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };

  try {
    const preloginSecret = await serverSecret(db, PRELOGIN_SECRET_NAME);
    let decoy: Promise<string> | undefined;
    const decoyHash = () => (decoy ??= hasher.hash(randomBytes(32)));
    void decoyHash().catch(() => undefined);

    const streams = await startStreamRegistry(db, clock);
    cleanups.push(() => streams.stop());
    const housekeeping = {
      db,
      clock,
      streams,
      throttles: { account: accountThrottle, accountAtAddress: accountAtAddressThrottle, address: addressThrottle },
      blobs: blobLimits,
    };
    const auditKey = await loadAuditSigningKey(db);
    const admin = createServerAdmin({ ...housekeeping, hasher, kdf: accountKdf, key: auditKey });

    if (options.demo === true) await seedDemo(options.dataDir, { db, ...admin });

    const auditTree = createAuditTree(auditKey);
    await auditTree.catchUp(db);
    let onAppended: (() => void) | undefined;
    if (siemOptions !== undefined) {
      const forwarding = await startSiemFromOptions(siemOptions, { db, auditKey: auditKey.publicKey, logger });
      // Closed after HTTP (no more appends) and before the database (it moves its cursor last).
      cleanups.push(() => forwarding.close());
      onAppended = () => forwarding.wake();
    }

    await recordSiemConfiguration(db, clock, siemOptions);
    // Admin actions written while the server was down (or before this version) join the trail now.
    const chainId = await serverChainId(db);
    const serverTrail = createServerTrail({
      db,
      tree: auditTree,
      key: auditKey,
      clock,
      chainId,
      onScheduledFold: (outcome) => {
        if ('error' in outcome) logger.warn({ event: 'audit-fold-failed' }, 'audit');
        else if (outcome.folded > 0) onAppended?.();
      },
    });
    await serverTrail.fold();
    // After HTTP has closed (pushed before it, so run after it): what was served last is folded too.
    cleanups.push(() => serverTrail.flush());
    /** The admin call, then its record folded into the trail; a refused call may have recorded its refusal. */
    const recorded =
      <A extends unknown[], R>(action: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        let result: R;
        try {
          result = await action(...args);
        } catch (error) {
          await serverTrail.fold().then(
            (folded) => (folded > 0 ? onAppended?.() : undefined),
            () => logger.warn({ event: 'audit-fold-failed' }, 'audit'),
          );
          throw error;
        }
        if ((await serverTrail.fold()) > 0) onAppended?.();
        return result;
      };
    const foldAccountEvents = () =>
      void serverTrail.fold().then(
        (folded) => {
          if (folded > 0) onAppended?.();
        },
        () => logger.warn({ event: 'audit-fold-failed' }, 'audit'),
      );

    /** A retention run, then its record (or its refusal's, or its failure's) folded into the chain. */
    const retain = async (actor: string | null, scheduled: boolean): Promise<RetentionRun> => {
      try {
        return await runMessageRetention({ db, clock, days: retentionDays }, { actor, scheduled });
      } finally {
        await serverTrail.fold().then(
          (folded) => (folded > 0 ? onAppended?.() : undefined),
          () => logger.warn({ event: 'audit-fold-failed' }, 'audit'),
        );
      }
    };

    const authenticate = createAuthenticator(db, clock);
    const app = await createHttpApp({ tls, logger, beforeClose: () => streams.closeAll(STREAM_CLOSE_GRACE_MS) });
    cleanups.push(() => app.close());
    registerApiRoutes(
      app,
      createApiHandlers({
        db,
        clock,
        hasher,
        mfaRequired: options.mfaRequired ?? true,
        archive,
        accountThrottle,
        accountAtAddressThrottle,
        addressThrottle,
        decoyHash,
        preloginSecret,
        accountKdf,
        demo: options.demo === true,
        retentionDays,
        ...(options.escalation === undefined ? {} : { escalation: options.escalation }),
        ...(options.fhirCodeSystemBase === undefined ? {} : { fhirCodeSystemBase: options.fhirCodeSystemBase }),
        audit: {
          db,
          clock,
          tree: auditTree,
          key: auditKey,
          chainId,
          ...(onAppended === undefined ? {} : { onAppended }),
        },
        onAccountEvent: foldAccountEvents,
        onServed: () => serverTrail.schedule(),
        runMessageRetention: (actor) => retain(actor, false),
      }),
      authenticate,
      clock,
    );
    registerStreamRoute(app, { db, clock, authenticate, registry: streams, logger });
    registerBlobRoutes(app, { db, clock, authenticate, limits: blobLimits });
    // The address is known once listening; SCIM's `meta.location` reads it then.
    let listeningAt = '';
    registerScimRoutes(app, { db, clock, kdf: accountKdf, onRecorded: foldAccountEvents, baseUrl: () => listeningAt });
    const adminToken = newLocalAdminToken();
    registerLocalAdmin(app, adminToken, {
      trail: () => exportTrail(db),
      createAdmin: async (request) => {
        const created = await bootstrapAdmin({ db, clock, kdf: accountKdf }, request);
        if (created.ok) foldAccountEvents();
        return created;
      },
    });
    await app.listen({ port: options.port, host });
    const port = (app.server.address() as AddressInfo).port;
    const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    listeningAt = url;
    await writeFile(localAdminFile(options.dataDir), JSON.stringify({ url, token: adminToken, pid: process.pid }), {
      mode: 0o600,
    });
    cleanups.push(() => {
      removeLocalAdmin(options.dataDir);
      return Promise.resolve();
    });

    // One release at a time per instance (instances share the work through SKIP LOCKED); a failure is logged, never PHI.
    let releasing: Promise<number> | null = null;
    const escalationFailures = new Map<string, number>();
    const releaseEscalations = () =>
      (releasing ??= releaseDueEscalations({
        db,
        clock,
        failures: escalationFailures,
        onFailure: (event, attempt) => logger.warn({ event, attempt }, 'relay'),
      })
        .catch((error: unknown) => {
          logger.warn({ event: 'escalation-release-failed' }, 'relay');
          throw error;
        })
        .finally(() => {
          releasing = null;
        }));
    const timers = [
      setInterval(
        () => void admin.sweepExpired().catch(() => logger.warn({ event: 'housekeeping-failed' }, 'housekeeping')),
        HOUSEKEEPING_INTERVAL_MS,
      ),
      setInterval(() => void streams.checkSessions().catch(() => undefined), SESSION_CHECK_INTERVAL_MS),
      setInterval(() => void releaseEscalations().catch(() => undefined), ESCALATION_INTERVAL_MS),
      // Counts and codes only; the run's own record on the chain says the rest.
      setInterval(
        () =>
          void retain(null, true).then(
            (run) => {
              if (run.status === 'ran')
                logger.info(
                  { event: 'message-retention-ran', envelopes: run.envelopes, blobs: run.blobs },
                  'retention',
                );
            },
            (error: unknown) =>
              logger.warn(
                { event: 'message-retention-failed', code: error instanceof MessageRetentionError ? error.code : null },
                'retention',
              ),
          ),
        RETENTION_CHECK_INTERVAL_MS,
      ),
    ];
    for (const timer of timers) timer.unref();
    cleanups.push(() => {
      for (const timer of timers) clearInterval(timer);
      return Promise.resolve();
    });

    logger.info({ event: 'listening', port, database: db.kind }, 'server');
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      caCertPath: tls.caCertPath,
      // Each admin action is in the trail (and on its way to the SIEM) before the call returns.
      admin: {
        ...admin,
        createAccount: recorded((input) => admin.createAccount(input)),
        createRoleAddress: recorded((input) => admin.createRoleAddress(input)),
        deactivate: recorded((userId) => admin.deactivate(userId)),
        reactivate: recorded((userId) => admin.reactivate(userId)),
        revokeSessions: recorded((userId) => admin.revokeSessions(userId)),
        unlockAccount: recorded((userId, actor) => admin.unlockAccount(userId, actor)),
        placeLegalHold: recorded((userId, actor) => admin.placeLegalHold(userId, actor)),
        releaseLegalHold: recorded((holdId, actor) => admin.releaseLegalHold(holdId, actor)),
        purgeExpiredAudit: recorded((retentionYears, actor) => admin.purgeExpiredAudit(retentionYears, actor)),
      },
      // After any release already running, whose clock reading may predate the caller's.
      releaseDueEscalations: async () => {
        await releasing?.catch(() => 0);
        return releaseEscalations();
      },
      runMessageRetention: (request = {}) => retain(request.actor ?? null, request.scheduled ?? false),
      foldServerTrail: async () => {
        if ((await serverTrail.fold()) > 0) onAppended?.();
      },
      close: () => (closing ??= undo().then(() => logger.info({ event: 'closed' }, 'server'))),
    };
  } catch (error) {
    await undo();
    throw error;
  }
}
