/**
 * The compliance officer's search: records by the view's filter, each with its inclusion proof
 * against the latest signed head, plus a consistency proof from the head the asking workstation
 * already holds and the alerts about the trail. Only a role with `audit.read` may ask.
 */
import { randomUUID } from 'node:crypto';
import { hex } from '../../shared/audit/audit-chain';
import { AUDIT_EXPORT_MAX_BYTES, AUDIT_EXPORT_MAX_RECORDS } from '../../shared/protocol/api';
import { writeExport } from './export-formats';
import { exportSelection } from './trail-export';
import { roleHas } from '../../shared/access/permission-matrix';
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import type { AuthenticatedSession } from '../accounts/session-store';
import type { Queryable } from '../db/database';
import { fail, succeed, type Outcome } from '../outcome';
import { auditAlerts } from './audit-alert-store';
import { treeHeads } from './audit-head-store';
import { searchAuditRecords } from './audit-record-store';
import type { AuditSigningKey } from './audit-signing-key';
import type { AuditTree } from './audit-tree';

export interface AuditSearchDeps {
  readonly db: Queryable;
  readonly tree: AuditTree;
  readonly key: AuditSigningKey;
  /** The deployment's FHIR code-system base for the export (shared/audit/export-naming.ts). */
  readonly codeSystemBase?: string;
}

export async function searchAudit(
  deps: AuditSearchDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'auditSearch'>,
): Promise<Outcome<RouteResponse<'auditSearch'>>> {
  if (!roleHas(session.role, 'audit.read')) return fail('FORBIDDEN');
  await deps.tree.catchUp(deps.db);
  const heads = await treeHeads(deps.db);
  const head = heads.at(-1) ?? null;
  const size = head?.treeSize ?? 0;
  const { filter } = request;
  const found = await searchAuditRecords(deps.db, {
    ...filter,
    afterIndex: request.afterIndex,
    limit: request.limit + 1,
  });
  // Only what the signed head covers is shown: a record appended a moment ago waits for the next head.
  const covered = found.filter((entry) => entry.treeIndex < size);
  const page = covered.slice(0, request.limit);
  const known = request.knownTreeSize;
  return succeed({
    entries: page.map((entry) => ({ entry, proof: deps.tree.log.inclusionProof(entry.treeIndex, size).map(hex) })),
    more: covered.length > request.limit,
    head,
    auditKey: head === null ? null : deps.key.publicKey,
    consistency: known > 0 && known < size ? deps.tree.log.consistencyProof(known, size).map(hex) : [],
    alerts: (
      await auditAlerts(deps.db, {
        ...(filter.since === null ? {} : { since: filter.since }),
        ...(filter.until === null ? {} : { until: filter.until }),
        ...(filter.workstationId === null ? {} : { workstationId: filter.workstationId }),
      })
    ).slice(-1000),
  });
}

/** The same selection as a FHIR Bundle with proofs, against a head the workstation has verified. */
export async function exportAuditSelection(
  deps: AuditSearchDeps & { readonly clock: () => number },
  session: AuthenticatedSession,
  request: RouteRequest<'auditExport'>,
): Promise<Outcome<RouteResponse<'auditExport'>>> {
  if (!roleHas(session.role, 'audit.read')) return fail('FORBIDDEN');
  const trail = await exportSelection(
    deps.db,
    deps.tree,
    { ...request.filter, limit: AUDIT_EXPORT_MAX_RECORDS + 1 },
    request.treeSize,
  );
  if (trail.heads.length === 0) return fail('NOT_FOUND');
  if (trail.entries.length > AUDIT_EXPORT_MAX_RECORDS) return fail('PAYLOAD_TOO_LARGE');
  const bundle = writeExport(trail, 'fhir', {
    at: deps.clock(),
    id: randomUUID(),
    ...(deps.codeSystemBase === undefined ? {} : { codeSystemBase: deps.codeSystemBase }),
  });
  if (bundle.length > AUDIT_EXPORT_MAX_BYTES) return fail('PAYLOAD_TOO_LARGE');
  return succeed({ records: trail.entries.length, bundle });
}
