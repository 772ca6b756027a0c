/**
 * Verifies an exported audit trail offline, and says exactly what breaks it, by five checks
 * that each return their breaks (and attestation beside them):
 * - chains (verify-chains.ts): each workstation's records chain from its first;
 * - batches (verify-batches.ts): every record lies in a batch its workstation signed;
 * - heads (verify-heads.ts): every tree head is signed by the audit key and is the root over the
 *   records' leaves, the latest covering every record, or each record of a selection is proven in one;
 * - purges (verify-purges.ts): a record purged under retention is explained by a recorded purge;
 * - consistency (verify-consistency.ts): a head the reader already trusts is a prefix of this trail;
 * - attestation (verify-attestation.ts): a record in a person's name falls in their session.
 * What it is given and answers: shared/audit/trail-verification.ts. Pure but for Buffer: the
 * hash and signature functions are passed in (verify-crypto.ts gives Node's).
 */
import type { TrailExport } from '../../audit/trail-export';
import type { TrailBreak, VerifyCrypto, VerifyOptions, VerifyReport } from '../../audit/trail-verification';
import { layLeaves } from './trail-leaves';
import { MAX_BREAKS, trailView } from './trail-view';
import { checkAttestation } from './verify-attestation';
import { checkBatches } from './verify-batches';
import { checkChains } from './verify-chains';
import { fullConsistency, selectionConsistency } from './verify-consistency';
import { checkAuditKeys, checkHeadRoots, checkHeadSignatures, checkInclusion } from './verify-heads';
import { checkPurges } from './verify-purges';

export async function verifyTrail(
  trail: TrailExport,
  crypto: VerifyCrypto,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const view = trailView(trail, options);
  const unreadable: TrailBreak[] = view.unreadable.map((lost) => ({
    kind: 'unreadable',
    workstationId: lost.workstationId,
    seq: lost.seq,
    treeIndex: lost.treeIndex,
    problem: 'the stored record no longer reads as an audit record',
  }));
  // A full export's tree roots start (on a worker where there is one) before the chains are walked.
  const leaves = view.selection ? null : layLeaves(view, crypto);
  const breaks = [
    ...checkAuditKeys(view, options),
    ...unreadable.slice(0, MAX_BREAKS),
    ...(leaves?.breaks ?? []),
    ...checkChains(view, crypto, leaves),
    ...checkBatches(view, crypto),
    ...checkHeadSignatures(view, crypto),
  ];
  let attestedRecords: number | null = null;
  let consistentWith: number | null;
  if (leaves === null) {
    const consistency = selectionConsistency(view, crypto);
    breaks.push(...checkInclusion(view, crypto), ...consistency.breaks);
    consistentWith = consistency.consistentWith;
  } else {
    const attestation = checkAttestation(trail, view.heads, view.auditKey);
    attestedRecords = attestation.checked;
    breaks.push(...checkPurges(view), ...attestation.breaks);
    const rootOf = await leaves.roots;
    const consistency = fullConsistency(view, crypto, rootOf);
    breaks.push(...checkHeadRoots(view, leaves, rootOf), ...consistency.breaks);
    consistentWith = consistency.consistentWith;
  }
  return {
    ok: breaks.length === 0,
    records: trail.entries.length + view.unreadable.length,
    purged: view.purged.length,
    workstations: view.byWorkstation.size,
    batches: trail.batches.length,
    heads: view.heads.length,
    latestHead: view.latest,
    auditKey: view.pinned !== null ? 'pinned' : view.auditKey !== null ? 'from-export' : 'none',
    consistentWith,
    attestedRecords,
    breaks: breaks.slice(0, MAX_BREAKS),
  };
}
