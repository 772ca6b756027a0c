/**
 * Acknowledgements of messages this vault holds, one per message and person (the first stands,
 * as on the server). They are read back with their message (message-ops.ts).
 */
import type { Database } from 'better-sqlite3';
import type { QuickReply } from '../../../shared/protocol/acknowledgement';
import { sql } from '../statement-cache';

export interface AcknowledgementRecord {
  readonly messageId: string;
  readonly userId: string;
  readonly reply: QuickReply | null;
  /** The server's time of accepting it: what the thread shows and orders by. */
  readonly at: number;
}

export const acknowledgementWrites = {
  /** Records it; answers the message's conversation, or null for a message this vault does not hold. */
  'acknowledgement.record': (db: Database, ack: AcknowledgementRecord): { conversationId: string | null } =>
    db.transaction(() => {
      const message = sql(db, 'SELECT conversation_id FROM messages WHERE id = ?').get(ack.messageId) as
        { conversation_id: string } | undefined;
      if (!message) return { conversationId: null };
      sql(
        db,
        `INSERT INTO acknowledgements (message_id, user_id, reply, acknowledged_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (message_id, user_id) DO NOTHING`,
      ).run(ack.messageId, ack.userId, ack.reply, ack.at);
      sql(db, 'UPDATE messages SET acknowledged_at = min(coalesce(acknowledged_at, ?), ?) WHERE id = ?').run(
        ack.at,
        ack.at,
        ack.messageId,
      );
      return { conversationId: message.conversation_id };
    })(),
} as const;
