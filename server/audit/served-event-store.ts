/**
 * The `served_events` outbox (served-events.ts says what goes in it): rows are appended in the
 * transaction of what they record, under the outbox lock, and read back in id order by the fold
 * into the server's chain (server-trail.ts). Append-only, enforced by the database.
 */
import { auditObject, type AuditObject, type AuditRecord } from '../../shared/audit/audit-event';
import { ComposedStatement } from '../db/composed-statement';
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

/**
 * Appends the rows (if `gate` has its row), taking the outbox lock in the same statement, so it
 * is held from before the ids are drawn to the commit. The lock is taken once the gate has its
 * row, so the caller decides which of its locks come first (the feed heads, for a send).
 */
export function insertServedEventsPart(s: ComposedStatement, gate: string | null, rows: readonly ServedInsert[]): void {
  s.with(
    'served_events_added',
    `INSERT INTO served_events (at, actor_user_id, action, object, outcome, reason)
     SELECT t.* FROM (SELECT pg_advisory_xact_lock_shared(${s.param(AUDIT_OUTBOX_LOCK_ID)})${gate === null ? '' : ` FROM ${gate}`}) AS outbox,
       unnest(${[
         s.param(rows.map((row) => row.at)) + '::bigint[]',
         s.param(rows.map((row) => row.actor)) + '::text[]',
         s.param(rows.map((row) => row.action)) + '::text[]',
         s.param(rows.map((row) => row.object)) + '::text[]',
         s.param(rows.map((row) => row.outcome)) + '::text[]',
         s.param(rows.map((row) => row.reason)) + '::text[]',
       ].join(', ')}) AS t`,
  );
}

export async function insertServedEvents(tx: Queryable, rows: readonly ServedInsert[]): Promise<void> {
  const s = new ComposedStatement();
  insertServedEventsPart(s, null, rows);
  await s.run(tx, {});
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
