/**
 * `receipts`: a recipient says it has a message (`delivered`) or has shown it (`read`). Only a
 * recipient of a message still held may; anything else is silently not counted. Each first
 * receipt becomes a feed event for the sender and for the recipient's own devices (so the
 * recipient's other workstations mark it read too).
 */
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import type { AuthenticatedSession } from '../accounts/session-store';
import type { Queryable } from '../db/database';
import { appendFeedEvents } from './feed-store';
import type { RelayDeps } from './send-message';

async function sendersOfHeldMessages(
  tx: Queryable,
  recipientId: string,
  messageIds: readonly string[],
  now: number,
): Promise<Map<string, string>> {
  const rows = await tx.query<{ message_id: string; sender_id: string }>(
    `SELECT e.message_id, e.sender_id FROM envelopes e
     JOIN envelope_recipients r ON r.message_id = e.message_id AND r.user_id = $1
     WHERE e.message_id = ANY($2::uuid[]) AND e.envelope_json IS NOT NULL AND (e.expires_at IS NULL OR e.expires_at > $3)`,
    [recipientId, [...messageIds], now],
  );
  return new Map(rows.map((row) => [row.message_id, row.sender_id]));
}

export async function recordReceipts(
  deps: RelayDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'receipts'>,
): Promise<RouteResponse<'receipts'>> {
  const now = deps.clock();
  const unique = [
    ...new Map(request.receipts.map((receipt) => [`${receipt.messageId} ${receipt.kind}`, receipt])).values(),
  ];
  return deps.db.transaction(async (tx) => {
    const senders = await sendersOfHeldMessages(
      tx,
      session.userId,
      unique.map((receipt) => receipt.messageId),
      now,
    );
    let accepted = 0;
    for (const receipt of unique) {
      const senderId = senders.get(receipt.messageId);
      if (senderId === undefined) continue;
      accepted += 1;
      const inserted = await tx.query(
        'INSERT INTO receipts (message_id, user_id, kind, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING message_id',
        [receipt.messageId, session.userId, receipt.kind, now],
      );
      if (inserted.length === 0) continue;
      await appendFeedEvents(
        tx,
        [senderId, session.userId],
        { type: 'receipt', messageId: receipt.messageId, userId: session.userId, kind: receipt.kind, at: now },
        now,
      );
    }
    return { accepted };
  });
}
