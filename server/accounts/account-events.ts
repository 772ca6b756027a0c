/**
 * A record of every action that ends or restores someone's access: an account deactivated or
 * reactivated, sessions revoked by IT, a session ended by its own user from another
 * workstation. Who (the actor), what, whose, when, and how many sessions it ended; never
 * anything about messages. Written in the same transaction as the change it records.
 */
import { AUDIT_OUTBOX_LOCK_ID } from '../audit/audit-tree';
import type { Queryable } from '../db/database';

export const ACCOUNT_EVENT_ACTIONS = [
  'account.deactivated',
  'account.reactivated',
  'sessions.revoked',
  'session.ended-by-user',
] as const;
export type AccountEventAction = (typeof ACCOUNT_EVENT_ACTIONS)[number];

/** The operator's programmatic admin API has no signed-in identity of its own yet. */
export const SERVER_OPERATOR = 'server-operator';

export interface AccountEvent {
  readonly at: number;
  readonly actor: string;
  readonly action: AccountEventAction;
  readonly targetUserId: string;
  readonly sessionsEnded: number;
}

export async function recordAccountEvent(tx: Queryable, event: AccountEvent): Promise<void> {
  // The outbox lock in the same statement (server/audit/audit-tree.ts: AUDIT_OUTBOX_LOCK_ID).
  await tx.query(
    `INSERT INTO account_events (at, actor, action, target_user_id, sessions_ended)
     SELECT $1, $2, $3, $4, $5 FROM (SELECT pg_advisory_xact_lock_shared($6)) AS outbox`,
    [event.at, event.actor, event.action, event.targetUserId, event.sessionsEnded, AUDIT_OUTBOX_LOCK_ID],
  );
}

export async function accountEventsOf(db: Queryable, targetUserId: string): Promise<AccountEvent[]> {
  const rows = await db.query<{
    at: number | string;
    actor: string;
    action: AccountEventAction;
    target_user_id: string;
    sessions_ended: number;
  }>(
    'SELECT at, actor, action, target_user_id, sessions_ended FROM account_events WHERE target_user_id = $1 ORDER BY id',
    [targetUserId],
  );
  return rows.map((row) => ({
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    targetUserId: row.target_user_id,
    sessionsEnded: row.sessions_ended,
  }));
}
