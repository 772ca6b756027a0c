/**
 * The workstation's own audit log, kept by main in `<dataDir>/machine/audit.db`: SQLCipher,
 * keyed by a key derived from the device key (never a user's), so it outlives sign-outs, user
 * switches and shredded vaults.
 *
 * `append` resolves only once the record is on disk: callers await it before they report the
 * action done. Appends that arrive while a write is in flight are written together in the next
 * transaction (group commit), so durability costs one fsync per group, not per record.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { checkAuditRecord } from '../../shared/audit/audit-event';
import { ok } from '../../shared/result';
import type { ChainedEntry } from '../../shared/audit/audit-entry';
import type { DeviceIdentity } from '../device/device-identity';
import { StoreError } from '../store/store-error';
import { openEncryptedDatabase, type StoreClient } from '../store/store-client';
import type { ChainCheck, ChainState, DeviceLogOps, UnplacedRecord } from './device-log-ops';

export type AuditErrorCode =
  /** The record is not what the catalogue allows (a caller's bug); the fields are named. */
  | 'AUDIT_RECORD_INVALID'
  | 'AUDIT_DISK_FULL'
  /** The log cannot be opened or written (damaged, in use, closed). */
  | 'AUDIT_UNAVAILABLE'
  /** The log on disk belongs to another device id. */
  | 'AUDIT_DEVICE_MISMATCH';

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    readonly fields: readonly string[] = [],
  ) {
    super(fields.length > 0 ? `${code}: ${fields.join(', ')}` : code);
    this.name = 'AuditError';
  }
}

export interface Placed {
  readonly seq: number;
  readonly hash: string;
}

export interface DeviceAuditLog {
  readonly deviceId: string;
  /** Durable when it resolves. Rejects with an AuditError. */
  append(record: UnplacedRecord): Promise<Placed>;
  pending(limit: number): Promise<{ state: ChainState; entries: ChainedEntry[] }>;
  /** Deletes records up to `seq` once the server holds them; false if `hash` is not ours for it. */
  acknowledge(seq: number, hash: string): Promise<boolean>;
  state(): Promise<ChainState>;
  pendingCount(): Promise<number>;
  /**
   * Checks the records not yet acknowledged, chained from the acknowledged hash (older ones are
   * deleted: the server holds and checked them). In steps; appends go on meanwhile.
   */
  verify(): Promise<ChainCheck>;
  close(): Promise<void>;
}

export const DEVICE_LOG_FILE = 'audit.db';
const SUBKEY_PURPOSE = 'device-audit-log';
/** A bound on one transaction, so a burst cannot hold the worker for long. */
const MAX_GROUP = 5000;
/** Records verified per worker call: appends queued behind a verification wait for one step at most. */
const VERIFY_STEP = 2000;

export function deviceLogFile(dataDir: string): string {
  return path.join(dataDir, 'machine', DEVICE_LOG_FILE);
}

/** The database key, for tests and the offline tools that read the log itself. */
export function deviceLogKey(identity: DeviceIdentity): Uint8Array {
  return identity.deriveKey(SUBKEY_PURPOSE);
}

function auditErrorOf(error: unknown): AuditError {
  if (error instanceof AuditError) return error;
  if (error instanceof StoreError && error.code === 'DISK_FULL') return new AuditError('AUDIT_DISK_FULL');
  return new AuditError('AUDIT_UNAVAILABLE');
}

export async function openDeviceAuditLog(options: {
  dataDir: string;
  identity: DeviceIdentity;
}): Promise<DeviceAuditLog> {
  const file = deviceLogFile(options.dataDir);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = deviceLogKey(options.identity);
  let store: StoreClient<DeviceLogOps>;
  try {
    store = await openEncryptedDatabase('device-audit', file, key, { create: true });
  } catch (error) {
    throw auditErrorOf(error);
  } finally {
    key.fill(0);
  }
  const deviceId = options.identity.deviceId;
  const bound = await store.call('log.init', { deviceId }).catch((error: unknown) => {
    void store.close();
    throw auditErrorOf(error);
  });
  if (!bound.ok) {
    await store.close();
    throw new AuditError(bound.error);
  }

  type Waiting = { record: UnplacedRecord; resolve: (placed: Placed) => void; reject: (error: AuditError) => void };
  let queue: Waiting[] = [];
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const group = queue.slice(0, MAX_GROUP);
      queue = queue.slice(group.length);
      try {
        const placed = await store.call('log.append', { records: group.map((waiting) => waiting.record) });
        group.forEach((waiting, i) => {
          const one = placed[i];
          if (one) waiting.resolve(one);
          else waiting.reject(new AuditError('AUDIT_UNAVAILABLE'));
        });
      } catch (error) {
        const failure = auditErrorOf(error);
        for (const waiting of group) waiting.reject(failure);
      }
    }
    writing = false;
  }

  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw auditErrorOf(error);
    }
  };

  return {
    deviceId,
    append(record) {
      const checked = checkAuditRecord({ ...record, seq: 0, workstationId: deviceId });
      if (!checked.ok) return Promise.reject(new AuditError('AUDIT_RECORD_INVALID', checked.error));
      if (!store.isOpen) return Promise.reject(new AuditError('AUDIT_UNAVAILABLE'));
      const { actor, action, object, patient, at, outcome, reason } = checked.value;
      return new Promise<Placed>((resolve, reject) => {
        queue.push({ record: { actor, action, object, patient, at, outcome, reason }, resolve, reject });
        // Everything appended in this turn of the event loop goes in one transaction.
        if (!writing) {
          writing = true;
          setImmediate(() => void drain());
        }
      });
    },
    pending: (limit) => call(() => store.call('log.pending', { limit })),
    acknowledge: (seq, hash) => call(() => store.call('log.acknowledge', { seq, hash })),
    state: () => call(() => store.call('log.state', {})),
    pendingCount: () => call(() => store.call('log.pendingCount', {})),
    async verify() {
      let from: { seq: number; hash: string } | null = null;
      let records = 0;
      for (;;) {
        const step = await call(() => store.call('log.verifyFrom', { from, limit: VERIFY_STEP }));
        if (!step.ok) return step;
        records += step.value.records;
        if (step.value.done) return ok({ lastSeq: step.value.lastSeq, records });
        from = { seq: step.value.seq, hash: step.value.hash };
      }
    },
    async close() {
      while (writing) await new Promise((resolve) => setImmediate(resolve));
      await store.close();
    },
  };
}
