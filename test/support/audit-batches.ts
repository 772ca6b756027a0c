/**
 * Audit batches written by the test itself, as a workstation's audit log would send them: records
 * chained with BLAKE2b from where the workstation's chain stands, and the batch signed with the
 * device key the server registered at sign-in. For posting exactly the batch a test needs (a
 * record stamped 1970, a gap, a fork, a chain that does not hold together).
 */
import { batchSigningBytes, entryHash, fromHex, GENESIS_HASH, hex } from '../../shared/audit/audit-chain';
import { blake2b256 } from '../../shared/audit/blake2b';
import type { ChainedEntry } from '../../shared/audit/audit-entry';
import type { AuditRecord } from '../../shared/audit/audit-event';
import type { RouteRequest } from '../../shared/protocol/api';
import { loadSodium } from '../../shared/node/crypto/sodium';
import { signWith, type TestDevice } from './server-fixtures';

/** Where a workstation's chain stands: the last sequence number sent and its hash. */
export interface ChainPoint {
  readonly seq: number;
  readonly hash: string;
}

export const chainStart = (): ChainPoint => ({ seq: 0, hash: hex(GENESIS_HASH) });

/** The record's fields a test cares about; the rest are a nurse opening nothing in particular. */
export type RecordSpec = Partial<Omit<AuditRecord, 'seq' | 'workstationId'>>;

/** Records chained on from `from`, one per spec. */
export async function chainRecords(
  deviceId: string,
  from: ChainPoint,
  specs: readonly RecordSpec[],
): Promise<ChainedEntry[]> {
  await loadSodium();
  const entries: ChainedEntry[] = [];
  let previous = from.hash;
  specs.forEach((spec, index) => {
    const record: AuditRecord = {
      actor: { userId: 'nurse.adams', role: 'nurse' },
      action: 'session.unlocked',
      object: { kind: 'none' },
      patient: null,
      at: Date.now(),
      outcome: 'success',
      reason: null,
      ...spec,
      seq: from.seq + index + 1,
      workstationId: deviceId,
    };
    const hash = hex(entryHash(blake2b256, fromHex(previous) as Uint8Array, record));
    entries.push({ record, previousHash: previous, hash });
    previous = hash;
  });
  return entries;
}

/** The batch request for these entries, signed by the device. */
export async function signedBatch(
  device: TestDevice,
  entries: readonly ChainedEntry[],
  knownTreeSize = 0,
): Promise<RouteRequest<'auditBatch'>> {
  const first = entries[0] as ChainedEntry;
  const last = entries.at(-1) as ChainedEntry;
  const bytes = batchSigningBytes({
    deviceId: device.deviceId,
    firstSeq: first.record.seq,
    lastSeq: last.record.seq,
    previousHash: fromHex(first.previousHash) as Uint8Array,
    lastHash: fromHex(last.hash) as Uint8Array,
  });
  return { deviceId: device.deviceId, entries: [...entries], signature: await signWith(device, bytes), knownTreeSize };
}

/** Where the chain stands after these entries. */
export function pointAfter(entries: readonly ChainedEntry[]): ChainPoint {
  const last = entries.at(-1) as ChainedEntry;
  return { seq: last.record.seq, hash: last.hash };
}
