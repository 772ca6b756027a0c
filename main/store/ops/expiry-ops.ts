/**
 * Message expiry. The audit trail records each expiry before the text goes, so listing what is
 * due and removing it are two steps: only what was listed (and recorded) is removed.
 */
import type { Database } from 'better-sqlite3';
import { sql } from '../statement-cache';

export interface ExpiringMessage {
  readonly id: string;
  readonly conversationId: string;
}

export const expiryReads = {
  /** Messages whose expiry has come and whose text is still here, without touching them. */
  'message.dueToExpire': (db: Database, args: { now: number }): ExpiringMessage[] =>
    (
      sql(
        db,
        'SELECT id, conversation_id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? AND expired_at IS NULL ORDER BY seq',
      ).all(args.now) as { id: string; conversation_id: string }[]
    ).map((row) => ({ id: row.id, conversationId: row.conversation_id })),
} as const;

export const expiryWrites = {
  /**
   * Removes the text (and envelope) of exactly `ids` (listed by message.dueToExpire and recorded
   * by the caller first) if their expiry has come, and their outbox entries; answers those it expired.
   */
  'message.expire': (db: Database, args: { ids: readonly string[]; now: number }): ExpiringMessage[] =>
    db.transaction(() => {
      const listed = JSON.stringify(args.ids);
      const rows = sql(
        db,
        `SELECT id, conversation_id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? AND expired_at IS NULL
           AND id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
      ).all(args.now, listed) as { id: string; conversation_id: string }[];
      sql(
        db,
        `UPDATE messages SET body = NULL, envelope = NULL, expired_at = ?
         WHERE expires_at IS NOT NULL AND expires_at <= ? AND expired_at IS NULL AND id IN (SELECT value FROM json_each(?))`,
      ).run(args.now, args.now, listed);
      sql(db, 'DELETE FROM outbox WHERE id IN (SELECT id FROM messages WHERE expired_at IS NOT NULL)').run();
      return rows.map((row) => ({ id: row.id, conversationId: row.conversation_id }));
    })(),
} as const;
