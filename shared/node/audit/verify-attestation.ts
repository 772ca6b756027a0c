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
import { SIX_YEARS_MS } from '../../audit/retention-window';
import type { SignedTreeHead } from '../../audit/audit-entry';
import { firstHeadCovering, type TrailBreak } from './trail-verifier';
import type { TrailExport } from '../../audit/trail-export';

export const UNATTESTED_PROBLEM = 'names a person who had no session on this workstation at that time (unattested)';

/** The chains the audit key signed: the server's own. */
export function serverChainsOf(trail: TrailExport, auditKey: string | null): Set<string> {
  return new Set(
    trail.batches
      .filter((batch) => auditKey !== null && batch.devicePublicKey === auditKey)
      .map((batch) => batch.workstationId),
  );
}

/** How many records were checked; each one not attested is reported. */
export function checkAttestation(
  trail: TrailExport,
  heads: readonly SignedTreeHead[],
  auditKey: string | null,
  report: (b: TrailBreak) => void,
): number {
  const serverChains = serverChainsOf(trail, auditKey);
  const serverRecords: AuditRecord[] = [];
  let purgeBound: number | null = null;
  for (const { entry } of trail.entries) {
    const { record } = entry;
    if (!serverChains.has(record.workstationId)) continue;
    serverRecords.push(record);
    if (record.action === 'admin.action' && record.object.kind === 'audit-purge' && record.outcome === 'success') {
      const bound = Math.min(record.object.receivedBefore, record.at - SIX_YEARS_MS);
      purgeBound = Math.max(purgeBound ?? bound, bound);
    }
  }
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
  return checked;
}
