/**
 * The verifier's purge check. A record purged under retention leaves its place, sequence number
 * and hash (the chain and the tree check across it), and it must be explained by a purge recorded
 * in the server's chain: each successful purge there carries its bound, which counts as no later
 * than six years before the purge, and the first signed head that covers the record must predate
 * that bound, so its receipt did. Retention is then proven from signatures alone, not from a
 * stored column. Only the server's own chain can record a purge: the one whose batches the audit
 * key signs (a workstation could write a record that looks like one into its own chain).
 */
import type { TrailExport } from '../../audit/trail-export';
import { SIX_YEARS_MS } from '../../audit/retention-window';
import type { TrailBreak } from '../../audit/trail-verification';
import type { SignedTreeHead } from '../../audit/audit-entry';
import { breakList, byTreeIndex, type TrailView } from './trail-view';

/** The smallest head (heads sorted by size) that covers tree index `index`, by halving. */
export function firstHeadCovering(heads: readonly SignedTreeHead[], index: number): SignedTreeHead | undefined {
  let low = 0;
  let high = heads.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((heads[middle] as SignedTreeHead).treeSize > index) high = middle;
    else low = middle + 1;
  }
  return heads[low];
}

/** The latest bound of a purge the server's chain records (received before it, records may be gone), or null. */
export function purgeBoundOf(trail: TrailExport, serverChains: ReadonlySet<string>): number | null {
  let bound: number | null = null;
  for (const { entry } of trail.entries) {
    const { record } = entry;
    if (
      !serverChains.has(record.workstationId) ||
      record.action !== 'admin.action' ||
      record.object.kind !== 'audit-purge' ||
      record.outcome !== 'success'
    )
      continue;
    const effective = Math.min(record.object.receivedBefore, record.at - SIX_YEARS_MS);
    if (bound === null || effective > bound) bound = effective;
  }
  return bound;
}

/** A full export's purged records, each explained by a recorded purge whose bound a signed head shows it predates. */
export function checkPurges(view: TrailView): TrailBreak[] {
  const { breaks, report } = breakList();
  if (view.purged.length === 0) return breaks;
  const bound = purgeBoundOf(view.trail, view.serverChains);
  for (const stub of [...view.purged].sort(byTreeIndex)) {
    const where = {
      kind: 'record',
      workstationId: stub.workstationId,
      seq: stub.seq,
      treeIndex: stub.treeIndex,
    } as const;
    if (bound === null) {
      report({ ...where, problem: 'purged, but the trail records no purge' });
      continue;
    }
    const covering = firstHeadCovering(view.heads, stub.treeIndex);
    if (covering === undefined || covering.timestamp >= bound)
      report({ ...where, problem: 'purged, but no signed head shows it was received before the purge bound' });
  }
  return breaks;
}
