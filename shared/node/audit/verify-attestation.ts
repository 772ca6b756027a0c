/**
 * The offline verifier's half of actor attestation (the rule: shared/audit/actor-attestation.ts).
 * In a full export, every record a workstation made in a person's name must fall inside a
 * session of that person on that workstation, as the server's own chain records its sessions.
 * The server's chain is the one whose batches the audit key signs: a workstation could write
 * records that look like sessions into its own chain, and they attest nothing.
 *
 * A selection carries no sessions, so it is not checked here, and the report says so. After a
 * lawful purge, a session record may be gone while a record it attested, received later, stays:
 * records the server received before the latest purge bound (plus a session's longest life) are
 * not checked. Received is told by the first signed head that covers the record (the server's
 * clock), never by the record's own time, which the workstation chose.
 */
import {
  ATTESTATION_TOLERANCE_MS,
  attested,
  namesPerson,
  sessionIndex,
  sessionSpansOf,
} from '../../audit/actor-attestation';
import type { AuditRecord } from '../../audit/audit-event';
import { SESSION_MAX_AGE_MS } from '../../protocol/auth';
import type { SignedTreeHead } from '../../audit/audit-entry';
import type { TrailExport } from '../../audit/trail-export';
import type { TrailBreak } from '../../audit/trail-verification';
import { breakList, serverChainsOf } from './trail-view';
import { firstHeadCovering, purgeBoundOf } from './verify-purges';

export const UNATTESTED_PROBLEM = 'names a person who had no session on this workstation at that time (unattested)';

/** How many records were checked (`heads` sorted by size), and each one not attested. */
export function checkAttestation(
  trail: TrailExport,
  heads: readonly SignedTreeHead[],
  auditKey: string | null,
): { readonly checked: number; readonly breaks: TrailBreak[] } {
  const { breaks, report } = breakList();
  const serverChains = serverChainsOf(trail, auditKey);
  const serverRecords: AuditRecord[] = trail.entries
    .map(({ entry }) => entry.record)
    .filter((record) => serverChains.has(record.workstationId));
  const purgeBound = purgeBoundOf(trail, serverChains);
  const index = sessionIndex(sessionSpansOf(serverRecords));
  const checkedFrom =
    purgeBound === null ? Number.NEGATIVE_INFINITY : purgeBound + SESSION_MAX_AGE_MS + ATTESTATION_TOLERANCE_MS;
  let checked = 0;
  for (const { entry } of trail.entries) {
    const { record } = entry;
    if (serverChains.has(record.workstationId) || !namesPerson(record)) continue;
    if (
      purgeBound !== null &&
      (firstHeadCovering(heads, entry.treeIndex)?.timestamp ?? Number.POSITIVE_INFINITY) < checkedFrom
    )
      continue;
    checked += 1;
    if (!attested(record, index))
      report({
        kind: 'record',
        workstationId: record.workstationId,
        seq: record.seq,
        treeIndex: entry.treeIndex,
        problem: UNATTESTED_PROBLEM,
      });
  }
  return { checked, breaks };
}
