/**
 * Delivery and read receipts as the relay keeps them: one row per message, recipient and kind,
 * the first only (a repeat changes nothing). Deleted with their envelope.
 */
import type { Queryable } from '../db/database';

/** True if this is the first such receipt. */
export async function insertReceipt(
  tx: Queryable,
  receipt: { messageId: string; userId: string; kind: 'delivered' | 'read'; at: number },
): Promise<boolean> {
  const inserted = await tx.query(
    'INSERT INTO receipts (message_id, user_id, kind, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING message_id',
    [receipt.messageId, receipt.userId, receipt.kind, receipt.at],
  );
  return inserted.length > 0;
}

/** Everyone who sent a receipt for the message: those who had it. */
export async function receiptSenders(tx: Queryable, messageId: string): Promise<string[]> {
  const rows = await tx.query<{ user_id: string }>('SELECT DISTINCT user_id FROM receipts WHERE message_id = $1', [
    messageId,
  ]);
  return rows.map((row) => row.user_id);
}
