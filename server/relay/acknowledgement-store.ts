/**
 * Acknowledgements as the relay keeps them: the first per recipient and message, with its
 * signature; a repeat changes nothing. Deleted with their envelope.
 */
import type { QuickReply } from '../../shared/protocol/acknowledgement';
import type { Queryable } from '../db/database';

export interface StoredAcknowledgement {
  readonly messageId: string;
  readonly userId: string;
  readonly reply: QuickReply | null;
  readonly acknowledgedAt: number;
  readonly signature: string;
  readonly acceptedAt: number;
}

type Row = {
  message_id: string;
  user_id: string;
  reply: QuickReply | null;
  acknowledged_at: number | string;
  signature: string;
  accepted_at: number | string;
};

const toStored = (row: Row): StoredAcknowledgement => ({
  messageId: row.message_id,
  userId: row.user_id,
  reply: row.reply,
  acknowledgedAt: Number(row.acknowledged_at),
  signature: row.signature,
  acceptedAt: Number(row.accepted_at),
});

/** True if this is the recipient's first acknowledgement of the message. */
export async function insertAcknowledgement(tx: Queryable, ack: StoredAcknowledgement): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO message_acknowledgements (message_id, user_id, reply, acknowledged_at, signature, accepted_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING message_id`,
    [ack.messageId, ack.userId, ack.reply, ack.acknowledgedAt, ack.signature, ack.acceptedAt],
  );
  return rows.length > 0;
}

export async function acknowledgementOf(
  db: Queryable,
  messageId: string,
  userId: string,
): Promise<StoredAcknowledgement | null> {
  const rows = await db.query<Row>('SELECT * FROM message_acknowledgements WHERE message_id = $1 AND user_id = $2', [
    messageId,
    userId,
  ]);
  return rows[0] ? toStored(rows[0]) : null;
}
