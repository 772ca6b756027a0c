/**
 * The `account_events` outbox (account-events.ts says what goes in it): appended under the
 * outbox lock in the transaction of the change it records, read back per account for the admin
 * API and, in id order, by the fold into the server's audit chain. Append-only, enforced by the
 * database.
 */
import { AUDIT_OUTBOX_LOCK_ID } from '../audit/audit-tree-store';
import type { Queryable } from '../db/database';
import type { AccountEvent, AccountEventAction } from './account-events';

export async function recordAccountEvent(tx: Queryable, event: AccountEvent): Promise<void> {
  // The outbox lock in the same statement (server/audit/audit-tree-store.ts: AUDIT_OUTBOX_LOCK_ID).
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

/** What the server trail's fold reads of an event: all but the count of sessions it ended. */
export type FoldedAccountEvent = Omit<AccountEvent, 'sessionsEnded'> & { readonly id: number };

/** Events after `afterId`, oldest first (the server trail's fold). */
export async function accountEventsAfter(db: Queryable, afterId: number, limit: number): Promise<FoldedAccountEvent[]> {
  const rows = await db.query<{
    id: number | string;
    at: number | string;
    actor: string;
    action: AccountEventAction;
    target_user_id: string;
  }>('SELECT id, at, actor, action, target_user_id FROM account_events WHERE id > $1 ORDER BY id LIMIT $2', [
    afterId,
    limit,
  ]);
  return rows.map((row) => ({
    id: Number(row.id),
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    targetUserId: row.target_user_id,
  }));
}

/** Who deactivated the account last (its newest `account.deactivated`), or null if nobody ever did. */
export async function lastDeactivatedBy(db: Queryable, targetUserId: string): Promise<string | null> {
  const [row] = await db.query<{ actor: string }>(
    `SELECT actor FROM account_events WHERE target_user_id = $1 AND action = 'account.deactivated' ORDER BY id DESC LIMIT 1`,
    [targetUserId],
  );
  return row?.actor ?? null;
}
