/**
 * Delivery and read receipts for the clinician's own messages, one row per message and
 * recipient. They are read back as counts with the message (message-ops.ts).
 */
import type { Database } from 'better-sqlite3';
import { sql } from '../statement-cache';

export interface ReceiptInput {
  readonly messageId: string;
  readonly userId: string;
  readonly kind: 'delivered' | 'read';
  readonly at: number;
}

/** Records a receipt inside the caller's transaction; answers as `receipt.record` does. */
export function recordReceipt(db: Database, args: ReceiptInput): { conversationId: string | null } {
  const message = sql(db, 'SELECT conversation_id FROM messages WHERE id = ?').get(args.messageId) as
    { conversation_id: string } | undefined;
  if (!message) return { conversationId: null };
  // Read implies delivered: a read receipt may overtake its delivery receipt.
  sql(
    db,
    `INSERT INTO receipts (message_id, user_id, delivered_at, read_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (message_id, user_id) DO UPDATE SET
       delivered_at = coalesce(receipts.delivered_at, excluded.delivered_at),
       read_at = coalesce(receipts.read_at, excluded.read_at)`,
  ).run(args.messageId, args.userId, args.at, args.kind === 'read' ? args.at : null);
  return { conversationId: message.conversation_id };
}

export const receiptWrites = {
  /** Records a receipt; answers the message's conversation, or null for a message this vault does not hold. */
  'receipt.record': (db: Database, args: ReceiptInput): { conversationId: string | null } =>
    db.transaction(() => recordReceipt(db, args))(),
} as const;
