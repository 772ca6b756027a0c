import type { MessageView } from '../../../../shared/ipc/contract';

/**
 * A message's text, as text: React escapes it, nothing turns it into markup or links, and long
 * words wrap (CSS). When the body is gone from this workstation, a placeholder says why.
 */
export function MessageBody({ message }: { readonly message: Pick<MessageView, 'text' | 'recalledAt' | 'expired'> }) {
  if (message.text !== null) return <p className="message-text">{message.text}</p>;
  const reason =
    message.recalledAt !== null ? 'Message recalled' : message.expired ? 'Message expired' : 'Message not available';
  return <p className="message-gone">{reason}</p>;
}
