/**
 * The audit trail as the rest of main uses it: `record` an event and await it before reporting
 * the action done (it rejects if the record cannot be made durable, and the action is then
 * refused: fail closed), or `note` one for protective actions (lock, sign-out) that must happen
 * whether or not the record can be written. Opens the device log on first use and keeps it
 * syncing to the server whenever one is configured.
 */
import { randomInt, createHash } from 'node:crypto';
import { auditEvent, NO_ACTOR, type ActionEvent, type AuditEvent } from '../../shared/audit/audit-event-builder';
import type { Hash } from '../../shared/audit/merkle-tree';
import type { DeviceIdentity, DeviceIdentityResult } from '../device/device-identity';
import { ed25519Verifier } from '../../shared/node/crypto/ed25519';
import { loadSodium } from '../../shared/node/crypto/sodium';
import type { Logger } from '../logging/logger';
import type { ApiClient } from '../server-link/api-client';
import { createAuditSync, type AuditSync, type SyncOutcome } from './audit-sync';
import { AuditError, openDeviceAuditLog, type DeviceAuditLog } from './device-audit-log';
import type { ChainCheck, ChainProblem } from './device-log-ops';
import { readWitnessedHead, removeStaleHeadTemps, writeWitnessedHead } from './witnessed-head-file';

/** An event on behalf of a known actor (the signed-in clinician). */
export type ActorAudit = (event: ActionEvent) => Promise<void>;

export interface AuditTrail {
  /** Durable when it resolves; rejects with an AuditError. */
  record(event: AuditEvent): Promise<void>;
  /**
   * For actions that happen whether or not they can be recorded (a lock, a sign-out, a refusal):
   * never rejects; a failure is logged by code. Await it to report the action after its record.
   */
  note(event: AuditEvent): Promise<void>;
  /** Syncs now (tests, the compliance view's refresh). Null when no server is configured. */
  syncNow(): Promise<SyncOutcome | null>;
  /** The open device log (tests, benchmarks). */
  log(): Promise<DeviceAuditLog>;
  /** The check of the local chain made when the log was opened; null if it could not be made. */
  chainCheck(): Promise<ChainCheck | null>;
  /**
   * A remote wipe: syncs (within `timeoutMs`) until every record is on the server, then, if they
   * all are and `confirm` says so (the wipe reported), closes the log and runs `destroy`, which
   * shreds its key; the next record opens a new log. Records made meanwhile wait and go into the
   * log that stands afterwards. `unsynced`: the log is kept, and syncs later as ever.
   */
  retire(options: {
    readonly timeoutMs: number;
    readonly confirm: () => Promise<boolean>;
    readonly destroy: () => Promise<void>;
  }): Promise<'retired' | 'unsynced' | 'unconfirmed'>;
  close(): Promise<void>;
}

export interface AuditTrailOptions {
  readonly dataDir: string;
  readonly identity: () => Promise<DeviceIdentityResult>;
  readonly api: ApiClient | null;
  readonly now: () => number;
  readonly logger: Logger;
  readonly syncBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Quiet time after a new record before a sync starts (tests hold records back with a long one). */
  readonly syncDebounceMs?: number;
}

/** The alert's reason for each way the local chain can break (see device-log-ops.ts). */
const CHAIN_ALERTS: Record<ChainProblem, string> = {
  'hash-mismatch': 'AUDIT_LOCAL_HASH_MISMATCH',
  'chain-broken': 'AUDIT_LOCAL_CHAIN_BROKEN',
  'sequence-gap': 'AUDIT_LOCAL_SEQUENCE_GAP',
  'tail-missing': 'AUDIT_LOCAL_TAIL_MISSING',
  'record-unreadable': 'AUDIT_LOCAL_RECORD_UNREADABLE',
};

const sha256 = (...parts: readonly Uint8Array[]): Hash => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

/** Everything on the server: nothing left to send after a sync, checked within `timeoutMs`. */
async function syncedWithin(log: DeviceAuditLog, sync: AuditSync, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  try {
    for (;;) {
      const outcome = await Promise.race([sync.syncNow(), late]);
      if (outcome === 'late' || outcome.kind === 'failed') return false;
      // A record appended during the sync is sent by the next round.
      if ((await log.pendingCount()) === 0) return true;
    }
  } finally {
    clearTimeout(timer);
  }
}

export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  let opening: Promise<{ log: DeviceAuditLog; sync: AuditSync | null }> | null = null;
  let checking: Promise<ChainCheck | null> | null = null;
  let closed = false;
  /** While a wipe retires the log, records wait for it to finish. */
  let retiring: Promise<unknown> = Promise.resolve();

  async function open(identity: DeviceIdentity) {
    const log = await openDeviceAuditLog({ dataDir: options.dataDir, identity });
    if (options.api === null) return { log, sync: null };
    const sodium = await loadSodium();
    removeStaleHeadTemps(options.dataDir);
    const witnessed = readWitnessedHead(options.dataDir);
    const known = witnessed.ok ? witnessed.value : null;
    const sync = createAuditSync({
      log,
      api: options.api,
      identity,
      witnessed: { read: () => known, write: (head) => writeWitnessedHead(options.dataDir, head) },
      sha256,
      verifySignature: ed25519Verifier(sodium),
      now: options.now,
      random: () => randomInt(0, 1 << 30) / (1 << 30),
      logger: options.logger,
      ...(options.syncBackoff ? { backoff: options.syncBackoff } : {}),
      ...(options.syncDebounceMs === undefined ? {} : { debounceMs: options.syncDebounceMs }),
    });
    // A head file that is there but unreadable, or gone while records were acknowledged, means
    // someone changed what this workstation witnessed: say so in the trail itself.
    const state = await log.state();
    if (!witnessed.ok || (known === null && state.ackedSeq > 0)) {
      await log.append({
        ...auditEvent({ action: 'audit.alert', actor: NO_ACTOR, outcome: 'failure', reason: 'AUDIT_HEAD_LOST' }),
        at: options.now(),
      });
    }
    if (state.lastSeq > state.ackedSeq) sync.kick();
    return { log, sync };
  }

  /**
   * Someone holding the device key could edit, delete or reorder records the server has not
   * acknowledged yet: the local chain is checked at every start, and a break is said in the trail.
   * Only the unacknowledged tail is walked (acknowledged records are deleted; the walk starts at
   * the hash the server acknowledged, so the link to it is checked too). Not awaited by the
   * opening: on 100,000 pending records it takes about 2 s (2 shared cores), in steps that appends
   * interleave with, so nothing a clinician does waits for it.
   */
  async function checkChain(log: DeviceAuditLog, sync: AuditSync | null): Promise<ChainCheck | null> {
    let check: ChainCheck;
    try {
      check = await log.verify();
    } catch (error) {
      // Closed meanwhile, or unreadable: the next record says so by its own error.
      options.logger.warn(
        { code: error instanceof AuditError ? error.code : 'AUDIT_UNAVAILABLE' },
        'device audit log not verified',
      );
      return null;
    }
    if (check.ok) return check;
    const reason = CHAIN_ALERTS[check.error.problem];
    options.logger.error({ code: reason, seq: check.error.seq }, 'device audit log chain broken');
    await log
      .append({
        ...auditEvent({ action: 'audit.alert', actor: NO_ACTOR, outcome: 'failure', reason: reason }),
        at: options.now(),
      })
      .then(
        () => sync?.kick(),
        (error: unknown) =>
          options.logger.error(
            { code: error instanceof AuditError ? error.code : 'AUDIT_UNAVAILABLE', reason },
            'audit alert not written',
          ),
      );
    return check;
  }

  function opened() {
    opening ??= options.identity().then(async (loaded) => {
      if (!loaded.ok) throw new AuditError('AUDIT_UNAVAILABLE');
      const current = await open(loaded.value);
      checking = checkChain(current.log, current.sync);
      return current;
    });
    // A failed open is tried again next time (the identity or disk may have been fixed).
    opening.catch(() => {
      opening = null;
    });
    return opening;
  }

  async function record(event: AuditEvent): Promise<void> {
    if (closed) throw new AuditError('AUDIT_UNAVAILABLE');
    await retiring;
    const { log, sync } = await opened();
    const { actor, action, object, patient, outcome, reason } = event;
    await log.append({ actor, action, object, patient, at: options.now(), outcome, reason });
    sync?.kick();
  }

  return {
    record,
    note(event) {
      return record(event).catch((error: unknown) =>
        options.logger.error(
          { code: error instanceof AuditError ? error.code : 'AUDIT_UNAVAILABLE', action: event.action },
          'audit record not written',
        ),
      );
    },
    async syncNow() {
      const { sync } = await opened();
      return sync === null ? null : sync.syncNow();
    },
    async log() {
      return (await opened()).log;
    },
    async chainCheck() {
      await opened();
      return checking;
    },
    retire({ timeoutMs, confirm, destroy }) {
      const run = (async (): Promise<'retired' | 'unsynced' | 'unconfirmed'> => {
        const current = await opened().catch(() => null);
        if (current?.sync == null || !(await syncedWithin(current.log, current.sync, timeoutMs))) return 'unsynced';
        if (!(await confirm())) return 'unconfirmed';
        opening = null;
        await current.sync.stop();
        await current.log.close();
        await checking;
        checking = null;
        await destroy();
        return 'retired';
      })();
      retiring = run.catch(() => undefined);
      return run;
    },
    async close() {
      closed = true;
      if (opening === null) return;
      const current = await opening.catch(() => null);
      if (current === null) return;
      await current.sync?.stop();
      await current.log.close();
      await checking;
    },
  };
}
