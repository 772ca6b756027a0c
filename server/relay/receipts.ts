/**
 * `receipts`: a recipient says it has a message (`delivered`) or has shown it (`read`). Only a
 * recipient of a message still held may; anything else is silently not counted. Each first
 * receipt becomes a feed event for the sender and for the recipient's own devices (so the
 * recipient's other workstations mark it read too).
 */
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import type { AuthenticatedSession } from '../accounts/session-store';
import { sendersToRecipient } from './envelope-store';
import { appendFeedEvents, lockFeeds } from './feed-store';
import { insertReceipt } from './receipt-store';
import type { RelayDeps } from './send-message';

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
    const senders = await sendersToRecipient(
      tx,
      session.userId,
      unique.map((receipt) => receipt.messageId),
      now,
    );
    let accepted = 0;
    const firsts: { receipt: (typeof unique)[number]; senderId: string }[] = [];
    for (const receipt of unique) {
      const senderId = senders.get(receipt.messageId);
      if (senderId === undefined) continue;
      accepted += 1;
      const first = await insertReceipt(tx, {
        messageId: receipt.messageId,
        userId: session.userId,
        kind: receipt.kind,
        at: now,
      });
      if (first) firsts.push({ receipt, senderId });
    }
    // Every feed this batch appends to, locked at once and last (feed-store.ts: no deadlock).
    await lockFeeds(tx, [session.userId, ...firsts.map((f) => f.senderId)]);
    for (const { receipt, senderId } of firsts)
      await appendFeedEvents(
        tx,
        [senderId, session.userId],
        { type: 'receipt', messageId: receipt.messageId, userId: session.userId, kind: receipt.kind, at: now },
        now,
      );
    return { accepted };
  });
}
