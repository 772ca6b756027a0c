import type { MessageView } from '../../../../shared/ipc/contract';
import { receiptFor } from './receipt-label';

/** Pending / Sent / Delivered / Read / Failed (or "Read by 2 of 3") under an outgoing message. */
export function ReceiptLine({ message }: { readonly message: MessageView }) {
  const receipt = receiptFor(message);
  if (receipt === null) return null;
  return (
    <span className="receipt" data-tone={receipt.tone}>
      {receipt.tone === 'failed' && <span aria-hidden="true">⚠ </span>}
      {receipt.text}
    </span>
  );
}
