/**
 * The `admin_events` outbox (admin-events.ts says what goes in it): appended under the outbox
 * lock in the transaction of the change it records, read back for the admin API and, in id
 * order, by the fold into the server's audit chain. Append-only, enforced by the database.
 */
import { AUDIT_OUTBOX_LOCK_ID } from '../audit/audit-tree-store';
import type { Queryable } from '../db/database';
import type { AdminEvent, AdminEventAction } from './admin-events';

export async function recordAdminEvent(
  tx: Queryable,
  event: Omit<
    AdminEvent,
    | 'subject'
    | 'affected'
    | 'receivedBefore'
    | 'retentionDays'
    | 'blobsAffected'
    | 'roleAddressBounds'
    | 'reason'
    | 'outcome'
  > &
    Partial<AdminEvent>,
): Promise<void> {
  await tx.query(
    // The outbox lock in the same statement (server/audit/audit-tree-store.ts: AUDIT_OUTBOX_LOCK_ID).
    `INSERT INTO admin_events (at, actor, action, target_user_id, subject, affected, received_before, outcome, reason, retention_days, blobs_affected, role_address_bounds)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $12, $13 FROM (SELECT pg_advisory_xact_lock_shared($10)) AS outbox`,
    [
      event.at,
      event.actor,
      event.action,
      event.targetUserId,
      event.subject ?? null,
      event.affected ?? null,
      event.receivedBefore ?? null,
      event.outcome ?? 'success',
      event.reason ?? null,
      AUDIT_OUTBOX_LOCK_ID,
      event.retentionDays ?? null,
      event.blobsAffected ?? null,
      event.roleAddressBounds ?? null,
    ],
  );
}

interface AdminEventRow {
  id: number | string;
  at: number | string;
  actor: string;
  action: AdminEventAction;
  target_user_id: string | null;
  subject: string | null;
  affected: number | string | null;
  received_before: number | string | null;
  retention_days: number | string | null;
  blobs_affected: number | string | null;
  role_address_bounds: number | string | null;
  outcome: 'success' | 'failure';
  reason: string | null;
  [column: string]: unknown;
}

const orNull = (value: number | string | null) => (value === null ? null : Number(value));

export function adminEventOf(row: AdminEventRow): AdminEvent {
  return {
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    targetUserId: row.target_user_id,
    subject: row.subject,
    affected: orNull(row.affected),
    receivedBefore: orNull(row.received_before),
    retentionDays: orNull(row.retention_days),
    blobsAffected: orNull(row.blobs_affected),
    roleAddressBounds: orNull(row.role_address_bounds),
    outcome: row.outcome,
    reason: row.reason,
  };
}

export async function adminEvents(db: Queryable, filter: { action?: AdminEventAction } = {}): Promise<AdminEvent[]> {
  const rows = await db.query<AdminEventRow>(
    'SELECT * FROM admin_events WHERE ($1::text IS NULL OR action = $1) ORDER BY id',
    [filter.action ?? null],
  );
  return rows.map(adminEventOf);
}

export type AdminEventWithId = AdminEvent & { readonly id: number };

/** Events after `afterId`, oldest first (the server trail's fold). */
export async function adminEventsAfter(db: Queryable, afterId: number, limit: number): Promise<AdminEventWithId[]> {
  const rows = await db.query<AdminEventRow>('SELECT * FROM admin_events WHERE id > $1 ORDER BY id LIMIT $2', [
    afterId,
    limit,
  ]);
  return rows.map((row) => ({ ...adminEventOf(row), id: Number(row.id) }));
}

/** Arbitrary, fixed: two instances starting together record one SIEM configuration change, not two. */
const SIEM_CONFIGURATION_LOCK_ID = 0x53_49_45_4d;

/** Holds the SIEM configuration lock until the transaction `tx` ends. */
export async function lockSiemConfiguration(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [SIEM_CONFIGURATION_LOCK_ID]);
}

/** The newest SIEM forwarding event (enabled, disabled or changed), or null if none was ever recorded. */
export async function lastSiemEvent(
  tx: Queryable,
): Promise<{ readonly action: AdminEventAction; readonly subject: string | null } | null> {
  const [last] = await tx.query<{ action: AdminEventAction; subject: string | null }>(
    `SELECT action, subject FROM admin_events WHERE action IN ('siem.enabled', 'siem.disabled', 'siem.changed') ORDER BY id DESC LIMIT 1`,
  );
  return last ?? null;
}
