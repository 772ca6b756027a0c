/**
 * The `served_events` outbox (served-events.ts says what goes in it): rows are appended in the
 * transaction of what they record, under the outbox lock, and read back in id order by the fold
 * into the server's chain (server-trail.ts). Append-only, enforced by the database.
 */
import { auditObject, type AuditObject, type AuditRecord } from '../../shared/audit/audit-event';
import type { Queryable } from '../db/database';
import { AUDIT_OUTBOX_LOCK_ID } from './audit-tree-store';

/** One row as written: its object already the catalogue's canonical JSON. */
export interface ServedInsert {
  readonly at: number;
  readonly actor: string | null;
  readonly action: string;
  readonly object: string;
  readonly outcome: AuditRecord['outcome'];
  readonly reason: string | null;
}

export async function insertServedEvents(tx: Queryable, rows: readonly ServedInsert[]): Promise<void> {
  // One statement, so the outbox lock is held from before the ids are drawn to the commit
  // (of the caller's transaction, or of this statement alone).
  await tx.query(
    `INSERT INTO served_events (at, actor_user_id, action, object, outcome, reason)
     SELECT t.* FROM (SELECT pg_advisory_xact_lock_shared($7)) AS outbox,
       unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t`,
    [
      rows.map((row) => row.at),
      rows.map((row) => row.actor),
      rows.map((row) => row.action),
      rows.map((row) => row.object),
      rows.map((row) => row.outcome),
      rows.map((row) => row.reason),
      AUDIT_OUTBOX_LOCK_ID,
    ],
  );
}

export interface ServedRow {
  readonly id: number;
  readonly at: number;
  readonly actor: string | null;
  readonly action: string;
  /** Null when the stored text no longer reads as a catalogue object (someone wrote it by hand). */
  readonly object: AuditObject | null;
  readonly outcome: AuditRecord['outcome'];
  readonly reason: string | null;
}

export async function servedEventsAfter(tx: Queryable, afterId: number, limit: number): Promise<ServedRow[]> {
  const rows = await tx.query<{
    id: number | string;
    at: number | string;
    actor_user_id: string | null;
    action: string;
    object: string;
    outcome: 'success' | 'failure';
    reason: string | null;
  }>(
    'SELECT id, at, actor_user_id, action, object, outcome, reason FROM served_events WHERE id > $1 ORDER BY id LIMIT $2',
    [afterId, limit],
  );
  return rows.map((row) => {
    let object: AuditObject | null = null;
    try {
      const parsed = auditObject.safeParse(JSON.parse(row.object));
      object = parsed.success ? parsed.data : null;
    } catch {
      object = null;
    }
    return {
      id: Number(row.id),
      at: Number(row.at),
      actor: row.actor_user_id,
      action: row.action,
      object,
      outcome: row.outcome,
      reason: row.reason,
    };
  });
}
