/**
 * The verifier's batch check: every record lies in a batch its workstation signed, and that
 * batch's device signature verifies over the records it covers (the hash before its first record
 * and the hash of its last). One device key per chain. An end a selection does not hold, or an
 * unreadable record named already, cannot be compared; a purged end is compared by its hash.
 */
import { batchSigningBytes, fromHex } from '../../audit/audit-chain';
import type { StoredBatch } from '../../audit/trail-export';
import type { TrailBreak, VerifyCrypto } from '../../audit/trail-verification';
import type { StoredEntry } from '../../audit/audit-entry';
import { breakList, placeKey, type TrailView } from './trail-view';

type Range = { readonly firstSeq: number; readonly lastSeq: number };
const byFirstSeq = (a: Range, b: Range) => a.firstSeq - b.firstSeq;

/** The entry with this sequence number in a list sorted by it: by offset when the run has no gaps (the usual case), else by halving. */
function entryAt(list: readonly StoredEntry[], seq: number): StoredEntry | undefined {
  const direct = list[seq - (list[0]?.record.seq ?? 0)];
  if (direct?.record.seq === seq) return direct;
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = (list[middle] as StoredEntry).record.seq;
    if (at === seq) return list[middle];
    if (at < seq) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

function signingBytes(batch: StoredBatch): Uint8Array | null {
  const previous = fromHex(batch.previousHash);
  const last = fromHex(batch.lastHash);
  return previous !== null && last !== null && previous.length === 32 && last.length === 32
    ? batchSigningBytes({
        deviceId: batch.workstationId,
        firstSeq: batch.firstSeq,
        lastSeq: batch.lastSeq,
        previousHash: previous,
        lastHash: last,
      })
    : null;
}

/** Whether the records the export holds at the batch's ends are the ones the device signed. */
function endsMatch(view: TrailView, batch: StoredBatch): boolean {
  const list = view.byWorkstation.get(batch.workstationId) ?? [];
  const first = entryAt(list, batch.firstSeq);
  const lastEntry = entryAt(list, batch.lastSeq);
  const excused = (seq: number) => view.selection || view.lostAt.has(placeKey(batch.workstationId, seq));
  // A purged first record's predecessor is gone with it; a purged last record still has its hash.
  const purgedFirst = view.purgedAt.has(placeKey(batch.workstationId, batch.firstSeq));
  const purgedLast = view.purgedAt.get(placeKey(batch.workstationId, batch.lastSeq));
  const firstDiffers =
    first === undefined ? !(purgedFirst || excused(batch.firstSeq)) : first.previousHash !== batch.previousHash;
  const lastDiffers =
    lastEntry === undefined
      ? purgedLast === undefined
        ? !excused(batch.lastSeq)
        : purgedLast.hash !== batch.lastHash
      : lastEntry.hash !== batch.lastHash;
  return !firstDiffers && !lastDiffers;
}

export function checkBatches(view: TrailView, crypto: VerifyCrypto): TrailBreak[] {
  const { breaks, report } = breakList();
  const batchBreak = (batch: StoredBatch, problem: string) =>
    report({
      kind: 'batch',
      workstationId: batch.workstationId,
      firstSeq: batch.firstSeq,
      lastSeq: batch.lastSeq,
      problem,
    });
  // A batch that holds is a range its records are covered by.
  const keys = new Map<string, string>();
  const signedRanges = new Map<string, Range[]>();
  for (const batch of view.trail.batches) {
    const known = keys.get(batch.workstationId);
    if (known !== undefined && known !== batch.devicePublicKey)
      batchBreak(batch, 'device key changed within one chain');
    keys.set(batch.workstationId, batch.devicePublicKey);
    const signed = signingBytes(batch);
    if (signed === null || !crypto.verifySignature(batch.devicePublicKey, signed, batch.signature)) {
      batchBreak(batch, 'device signature does not verify');
      continue;
    }
    if (!endsMatch(view, batch)) {
      batchBreak(batch, 'records differ from what the device signed');
      continue;
    }
    const ranges = signedRanges.get(batch.workstationId) ?? [];
    ranges.push(batch);
    signedRanges.set(batch.workstationId, ranges);
  }
  // Every record in a range that held: one sweep per workstation over its records and its sorted ranges.
  for (const [workstationId, list] of view.byWorkstation) {
    const ranges = (signedRanges.get(workstationId) ?? []).sort(byFirstSeq);
    let r = 0;
    for (const entry of list) {
      const seq = entry.record.seq;
      while (r < ranges.length && (ranges[r] as Range).lastSeq < seq) r += 1;
      if (r < ranges.length && (ranges[r] as Range).firstSeq <= seq) continue;
      report({
        kind: 'record',
        workstationId,
        seq,
        treeIndex: entry.treeIndex,
        problem: 'not covered by a device-signed batch',
      });
    }
  }
  return breaks;
}
