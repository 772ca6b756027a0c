/**
 * Which incoming messages the clinician has read. Reading is an access the audit trail records
 * first, so listing the unread and marking them read are two steps: only what was listed (and
 * recorded) is marked, and a message arriving in between stays unread.
 */
import type { Database } from 'better-sqlite3';
import { sql } from '../statement-cache';

export const readStateReads = {
  /** Incoming messages not yet read, in every conversation (the taskbar badge); uses messages_unread. */
  'message.unreadCount': (db: Database, _args: Record<string, never>): number =>
    (
      sql(
        db,
        "SELECT count(*) AS n FROM messages WHERE direction = 'in' AND read_at IS NULL AND body IS NOT NULL",
      ).get() as { n: number }
    ).n,

  /** Incoming messages not yet read, whose text is still here: what opening the thread will show. */
  'conversation.unread': (db: Database, args: { conversationId: string }): string[] =>
    (
      sql(
        db,
        "SELECT id FROM messages WHERE conversation_id = ? AND direction = 'in' AND read_at IS NULL AND body IS NOT NULL ORDER BY seq",
      ).all(args.conversationId) as { id: string }[]
    ).map((row) => row.id),
} as const;

export const readStateWrites = {
  /**
   * Marks read exactly `ids` (which the caller has recorded in the audit trail first), plus any
   * unread message whose text is already gone (nothing of it is shown); answers the ids of `ids`
   * that were unread. A message that arrived after the list was taken stays unread.
   */
  'conversation.markRead': (
    db: Database,
    args: { conversationId: string; ids: readonly string[]; at: number },
  ): string[] =>
    db.transaction(() => {
      const listed = JSON.stringify(args.ids);
      const ids = (
        sql(
          db,
          "SELECT id FROM messages WHERE conversation_id = ? AND direction = 'in' AND read_at IS NULL AND id IN (SELECT value FROM json_each(?)) ORDER BY seq",
        ).all(args.conversationId, listed) as { id: string }[]
      ).map((row) => row.id);
      sql(
        db,
        `UPDATE messages SET read_at = ? WHERE conversation_id = ? AND direction = 'in' AND read_at IS NULL
           AND (body IS NULL OR id IN (SELECT value FROM json_each(?)))`,
      ).run(args.at, args.conversationId, listed);
      return ids;
    })(),
} as const;
