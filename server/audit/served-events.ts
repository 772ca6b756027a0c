/**
 * What the server serves, for its own audit chain: sessions issued and ended (and sign-ins it
 * refused, for real accounts), envelopes accepted, conversation history read, audit searches and
 * exports. HIPAA's audit controls cover
 * the server, not only the workstations that report on themselves.
 *
 * Each event is written to the `served_events` outbox in the transaction of what it records (or
 * right after a read), as ids, counts and codes only, and folded into the server's chain later
 * by server-trail.ts, a batch at a time: a send never waits on a tree head.
 */
import { canonicalObject } from '../../shared/audit/audit-chain';
import { auditObject, type AuditObject, type AuditRecord } from '../../shared/audit/audit-event';
import type { Queryable } from '../db/database';
import type { SessionEndReason } from '../events/channels';
import { AUDIT_OUTBOX_LOCK_ID } from './audit-tree';

export const SERVED_ACTIONS = [
  'session.issued',
  'session.ended',
  'message.accepted',
  'history.read',
  'search.performed',
  'export.created',
  'sign-in.failed',
  'mfa.failed',
] as const satisfies readonly AuditRecord['action'][];
export type ServedAction = (typeof SERVED_ACTIONS)[number];

export interface ServedEvent {
  readonly at: number;
  /** The person served, or null for what the server did by itself (a session it ended). */
  readonly actor: string | null;
  readonly action: ServedAction;
  readonly object: AuditObject;
  readonly outcome?: AuditRecord['outcome'];
  readonly reason?: string | null;
}

/** The reason code a `session.ended` record carries for each way a session ends. */
export const SESSION_END_CODES: Readonly<Record<SessionEndReason, string>> = {
  'signed-out': 'SIGNED_OUT',
  revoked: 'SESSION_REVOKED',
  deactivated: 'ACCOUNT_DEACTIVATED',
  expired: 'SESSION_EXPIRED',
};

export async function recordServed(tx: Queryable, events: ServedEvent | readonly ServedEvent[]): Promise<void> {
  const list = Array.isArray(events) ? (events as readonly ServedEvent[]) : [events as ServedEvent];
  if (list.length === 0) return;
  // Checked here, at the source: a record the catalogue would refuse is a bug, never stored.
  for (const event of list) auditObject.parse(event.object);
  // One statement, so the outbox lock is held from before the ids are drawn to the commit
  // (of the caller's transaction, or of this statement alone).
  await tx.query(
    `INSERT INTO served_events (at, actor_user_id, action, object, outcome, reason)
     SELECT t.* FROM (SELECT pg_advisory_xact_lock_shared($7)) AS outbox,
       unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t`,
    [
      list.map((event) => event.at),
      list.map((event) => event.actor),
      list.map((event) => event.action),
      list.map((event) => canonicalObject(event.object)),
      list.map((event) => event.outcome ?? 'success'),
      list.map((event) => event.reason ?? null),
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
