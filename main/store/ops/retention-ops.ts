/**
 * Local message retention (main/messaging/message-retention.ts): messages the server accepted
 * before a bound are deleted from the vault, oldest first, one bounded batch per transaction so
 * the store worker answers other calls between batches.
 *
 * Deleting the row takes everything derived from it, by the schema, in the same transaction: its
 * search index entry (messages_search_delete, schema-v1.ts), its receipts, acknowledgements and
 * escalation alerts (ON DELETE CASCADE), and its attachment rows, whose files are listed in
 * attachment_files_discarded for main to unlink (attachments_file_follows_row, schema-v9.ts).
 * The conversation row stays: the thread still lists, keeps its patient context, and offers its
 * older messages from the server's history (thread-reader.ts).
 *
 * Kept whatever their age:
 * - a message still in the outbox: the server does not have it yet, so removing it here would
 *   lose it everywhere;
 * - a message still waiting for an acknowledgement: an open clinical request does not vanish from
 *   the screen of the person it waits on (or who waits for it); it goes at the first run after
 *   someone acknowledges it.
 */
import type { Database } from 'better-sqlite3';
import { sql } from '../statement-cache';

export interface RetentionBatch {
  /** Messages deleted by this batch. */
  readonly messages: number;
  /** Their attachment rows, deleted with them. */
  readonly attachments: number;
  /** Conversations that lost messages, for the views to refresh. */
  readonly conversationIds: readonly string[];
}

export const retentionWrites = {
  /** Deletes up to `limit` messages accepted before `before` (a message exactly at it stays). */
  'message.removeOlderThan': (db: Database, args: { before: number; limit: number }): RetentionBatch =>
    db.transaction(() => {
      const rows = sql(
        db,
        `SELECT m.id, m.conversation_id FROM messages m
         WHERE m.sent_at < ? AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = m.id)
           AND NOT (m.ack_requested = 1 AND m.acknowledged_at IS NULL AND m.body IS NOT NULL)
         ORDER BY m.sent_at, m.seq LIMIT ?`,
      ).all(args.before, args.limit) as { id: string; conversation_id: string }[];
      if (rows.length === 0) return { messages: 0, attachments: 0, conversationIds: [] };
      const ids = JSON.stringify(rows.map((row) => row.id));
      const { n: attachments } = sql(
        db,
        'SELECT count(*) AS n FROM attachments WHERE message_id IN (SELECT value FROM json_each(?))',
      ).get(ids) as { n: number };
      const deleted = sql(db, 'DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))').run(ids).changes;
      return {
        messages: deleted,
        attachments,
        conversationIds: [...new Set(rows.map((row) => row.conversation_id))],
      };
    })(),
} as const;
