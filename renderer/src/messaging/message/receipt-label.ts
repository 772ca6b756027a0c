/**
 * The delivery line under an outgoing message. A group shows counts ("Read by 2 of 3"), since
 * "Read" alone would hide that someone has not seen it yet. Incoming messages have none.
 */
import type { MessageView } from '../../../../shared/ipc/contract';

export type ReceiptTone = 'waiting' | 'done' | 'failed';

export interface Receipt {
  readonly text: string;
  readonly tone: ReceiptTone;
}

type ReceiptFacts = Pick<MessageView, 'direction' | 'state' | 'deliveredCount' | 'readCount' | 'recipientCount'>;

export function receiptFor(message: ReceiptFacts): Receipt | null {
  if (message.direction !== 'out') return null;
  const { state, deliveredCount, readCount, recipientCount } = message;
  switch (state) {
    case 'pending':
      return { text: 'Pending', tone: 'waiting' };
    case 'held':
      // Waits for the sender to review a recipient's new key (the thread shows the warning).
      return { text: 'Not sent: key changed', tone: 'failed' };
    case 'failed':
      return { text: 'Failed', tone: 'failed' };
    case 'received':
      return null;
    case 'sent':
    case 'delivered':
    case 'read':
      break;
  }
  if (recipientCount > 1) {
    if (readCount > 0) return { text: `Read by ${readCount} of ${recipientCount}`, tone: 'done' };
    if (deliveredCount > 0) return { text: `Delivered to ${deliveredCount} of ${recipientCount}`, tone: 'waiting' };
    return { text: 'Sent', tone: 'waiting' };
  }
  if (state === 'read') return { text: 'Read', tone: 'done' };
  if (state === 'delivered') return { text: 'Delivered', tone: 'waiting' };
  return { text: 'Sent', tone: 'waiting' };
}
