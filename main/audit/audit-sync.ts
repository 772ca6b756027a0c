/**
 * Sends the device audit log to the server: the oldest unacknowledged records first, in
 * batches signed with the device key, until none are left. Records are deleted only after the
 * server's acknowledgement checks out (ack-check.ts) and the new head is safely on disk, so a
 * crash at any point resends at most one batch, which the server acknowledges again without
 * storing it twice. A failure waits with exponential backoff (with jitter, so a ward of
 * workstations does not retry in step); new records do not cut the wait short. A workstation
 * the server does not know yet (before its first sign-in) is not failing: it waits, quietly,
 * for the next record.
 */
import { toBase64 } from '../../shared/node/crypto/base64';
import { batchSigningBytes, fromHex } from '../../shared/audit/audit-chain';
import type { AuditAction } from '../../shared/audit/audit-event';
import type { Sha256 } from '../../shared/audit/merkle-tree';
import { AUDIT_BATCH_MAX } from '../../shared/protocol/api';
import type { DeviceIdentity } from '../device/device-identity';
import type { Logger } from '../logging/logger';
import type { ApiClient, ApiErrorCode } from '../server-link/api-client';
import type { VerifySignature } from '../../shared/audit/signed-head';
import { checkAck, type AckProblem, type WitnessedHead } from './ack-check';
import type { DeviceAuditLog } from './device-audit-log';

export interface AuditSyncOptions {
  readonly log: DeviceAuditLog;
  readonly api: ApiClient;
  readonly identity: Pick<DeviceIdentity, 'deviceId' | 'sign'>;
  readonly witnessed: { read(): WitnessedHead | null; write(head: WitnessedHead): void };
  readonly sha256: Sha256;
  readonly verifySignature: VerifySignature;
  readonly now: () => number;
  /** Uniform in [0, 1): backoff jitter. */
  readonly random: () => number;
  readonly logger: Logger;
  readonly batchSize?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Quiet time after a new record before a sync starts, so a burst goes as one batch. */
  readonly debounceMs?: number;
}

export type SyncOutcome =
  | { readonly kind: 'synced'; readonly sent: number }
  | { readonly kind: 'failed'; readonly code: ApiErrorCode | AckProblem | 'AUDIT_UNAVAILABLE' };

export interface AuditSync {
  /** New records were appended: sync soon, unless a failure is being waited out. */
  kick(): void;
  /** Syncs until nothing is left or something fails (tests, shutdown). */
  syncNow(): Promise<SyncOutcome>;
  stop(): Promise<void>;
}

const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 5 * 60 * 1000 };

/** The wait before retry number `attempt` (1-based): doubling, capped, with jitter in [½, 1]. */
export function backoffDelay(
  attempt: number,
  backoff: { initialMs: number; maxMs: number },
  random: () => number,
): number {
  const full = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(full * (0.5 + random() / 2));
}

/** Problems the workstation records in its own log: they say the server cannot be trusted as it answers. */
const ALERT_REASONS: Partial<Record<ApiErrorCode | AckProblem, string>> = {
  'ack-mismatch': 'AUDIT_ACK_MISMATCH',
  'audit-key-changed': 'AUDIT_KEY_CHANGED',
  'head-signature-invalid': 'AUDIT_HEAD_SIGNATURE_INVALID',
  'not-included': 'AUDIT_NOT_INCLUDED',
  'tree-shrank': 'AUDIT_TREE_SHRANK',
  'head-inconsistent': 'AUDIT_HEAD_INCONSISTENT',
  AUDIT_CHAIN_BROKEN: 'AUDIT_CHAIN_REFUSED',
  AUDIT_SIGNATURE_INVALID: 'AUDIT_SIGNATURE_REFUSED',
};

export function createAuditSync(options: AuditSyncOptions): AuditSync {
  const batchSize = Math.min(options.batchSize ?? AUDIT_BATCH_MAX, AUDIT_BATCH_MAX);
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const debounceMs = options.debounceMs ?? 250;
  const { log, logger } = options;
  let witnessed = options.witnessed.read();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<SyncOutcome> | null = null;
  let failures = 0;
  let stopped = false;
  // A record appended while a sync runs may come after its last read: sync again after it.
  let appendedCount = 0;
  const alerted = new Set<string>();

  async function alert(reason: string): Promise<void> {
    // Once per problem per run: an alert is itself a record to sync, and must not feed a loop.
    if (alerted.has(reason)) return;
    alerted.add(reason);
    const action: AuditAction = 'audit.alert';
    await log
      .append({
        actor: { userId: null, role: null },
        action,
        object: { kind: 'none' },
        patient: null,
        at: options.now(),
        outcome: 'failure',
        reason,
      })
      .catch(() => undefined);
  }

  async function sendAll(): Promise<SyncOutcome> {
    let sent = 0;
    for (;;) {
      let pending;
      try {
        pending = await log.pending(batchSize);
      } catch {
        return { kind: 'failed', code: 'AUDIT_UNAVAILABLE' };
      }
      const first = pending.entries[0];
      const last = pending.entries.at(-1);
      if (first === undefined || last === undefined) return { kind: 'synced', sent };
      const signature = await options.identity.sign(
        batchSigningBytes({
          deviceId: options.identity.deviceId,
          firstSeq: first.record.seq,
          lastSeq: last.record.seq,
          previousHash: fromHex(first.previousHash) as Uint8Array,
          lastHash: fromHex(last.hash) as Uint8Array,
        }),
      );
      const answer = await options.api.call('auditBatch', {
        deviceId: options.identity.deviceId,
        entries: pending.entries,
        signature: toBase64(signature),
        knownTreeSize: witnessed?.head.treeSize ?? 0,
      });
      if (!answer.ok) return failed(answer.error.code);
      const check = checkAck({
        ack: answer.value,
        sent: { seq: last.record.seq, hash: last.hash },
        known: witnessed,
        sha256: options.sha256,
        verifySignature: options.verifySignature,
      });
      if (!check.ok) return failed(check.error);
      // The head first: a crash before the deletion below only means this batch is sent again.
      options.witnessed.write(check.value);
      witnessed = check.value;
      if (!(await log.acknowledge(last.record.seq, last.hash).catch(() => false)))
        return { kind: 'failed', code: 'AUDIT_UNAVAILABLE' };
      sent += pending.entries.length;
    }
  }

  async function failed(code: ApiErrorCode | AckProblem): Promise<SyncOutcome> {
    const reason = ALERT_REASONS[code];
    if (reason !== undefined) {
      logger.error({ code }, 'audit sync refused');
      await alert(reason);
    } else if (code === 'AUDIT_DEVICE_UNKNOWN') {
      logger.debug({ code }, 'audit sync waits for the workstation to be registered');
    } else {
      logger.warn({ code }, 'audit sync failed');
    }
    return { kind: 'failed', code };
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void run();
    }, delayMs);
    timer.unref();
  }

  async function run(): Promise<SyncOutcome> {
    if (running !== null) return running;
    const appendedBefore = appendedCount;
    // Anything that throws on the way (the head file cannot be written, the device key is closed,
    // the log's worker died) is a failure like any other: counted and retried after a backoff.
    // Left to reject, it would escape the timer unhandled and nothing would ever retry.
    running = sendAll().catch((): SyncOutcome => ({ kind: 'failed', code: 'AUDIT_UNAVAILABLE' }));
    const outcome = await running.finally(() => {
      running = null;
    });
    if (outcome.kind === 'synced') {
      failures = 0;
      if (outcome.sent > 0) logger.info({ records: outcome.sent }, 'audit synced');
      if (appendedCount !== appendedBefore) schedule(debounceMs);
    } else if (outcome.code === 'AUDIT_DEVICE_UNKNOWN') {
      // Not registered yet (it is at the first sign-in here): nothing to retry until then. The
      // sign-in's own records kick the next attempt, which then goes at once, not after a backoff;
      // records that came while this attempt ran (the sign-in may have registered it meanwhile)
      // are tried again now, as a kick during a run does not start one.
      failures = 0;
      if (appendedCount !== appendedBefore) schedule(debounceMs);
    } else {
      failures += 1;
      if (outcome.code === 'AUDIT_UNAVAILABLE') logger.warn({ code: outcome.code }, 'audit sync failed');
      schedule(backoffDelay(failures, backoff, options.random));
    }
    return outcome;
  }

  return {
    kick() {
      appendedCount += 1;
      if (stopped || failures > 0 || timer !== null || running !== null) return;
      schedule(debounceMs);
    },
    async syncNow() {
      if (running !== null) await running.catch(() => undefined);
      return run();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
