/**
 * Alerts about the trail itself, kept for compliance officers: a workstation's chain skipped
 * records (a gap), did not continue what the server holds (a fork), or a batch came with a
 * signature its device key did not make. One row per workstation, kind and sequence number, so
 * a workstation retrying the same bad batch does not flood the table.
 */
import type { Queryable } from '../db/database';

import { AUDIT_ALERT_KINDS } from '../../shared/audit/audit-entry';

export type AuditAlertKind = (typeof AUDIT_ALERT_KINDS)[number];

export interface AuditAlert {
  readonly at: number;
  readonly workstationId: string | null;
  readonly kind: AuditAlertKind;
  readonly seq: number | null;
}

export async function recordAuditAlert(db: Queryable, alert: AuditAlert): Promise<void> {
  await db.query(
    'INSERT INTO audit_alerts (at, workstation_id, kind, seq) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [alert.at, alert.workstationId, alert.kind, alert.seq],
  );
}

export async function auditAlerts(
  db: Queryable,
  filter: { since?: number; until?: number; workstationId?: string } = {},
): Promise<AuditAlert[]> {
  const rows = await db.query<{
    at: number | string;
    workstation_id: string | null;
    kind: AuditAlertKind;
    seq: number | string | null;
  }>(
    `SELECT at, workstation_id, kind, seq FROM audit_alerts
     WHERE ($1::bigint IS NULL OR at >= $1) AND ($2::bigint IS NULL OR at < $2) AND ($3::uuid IS NULL OR workstation_id = $3)
     ORDER BY id`,
    [filter.since ?? null, filter.until ?? null, filter.workstationId ?? null],
  );
  return rows.map((row) => ({
    at: Number(row.at),
    workstationId: row.workstation_id,
    kind: row.kind,
    seq: row.seq === null ? null : Number(row.seq),
  }));
}
