import type { WardlineApi } from '../../../../preload/api-factory';
import type { MessageView } from '../../../../shared/ipc/contract';
import { ShownText } from '../../components/ShownText';
import { MessageBody } from '../message/MessageBody';
import { messageTime } from '../message/message-time';
import { PriorityMarker } from '../message/PriorityMarker';
import { ReceiptLine } from '../message/ReceiptLine';
import { AcknowledgementStatus } from '../message/AcknowledgementStatus';
import { EscalationStatus } from '../message/EscalationStatus';
import { escalated } from '../message/escalation-label';
import { awaitingAcknowledgement } from '../message/acknowledgement-label';
import { AcknowledgeActions } from './AcknowledgeActions';
import { RecallButton } from './RecallButton';
import { MessageAttachments } from '../attachments/MessageAttachments';

/**
 * One message in the log: who, when, priority, the text, and for one's own: delivery and Recall.
 * A message that asks for acknowledgement says who acknowledged it (or that nobody has yet) and,
 * to its recipients, offers Acknowledge; until someone does, it keeps its alarm (`data-awaiting`).
 */
export function MessageItem({
  bridge,
  message,
  now,
  onRecalled,
  onAcknowledged,
  revealed = false,
  marked = false,
}: {
  readonly bridge: WardlineApi;
  readonly message: MessageView;
  readonly now: number;
  readonly onRecalled: () => void;
  readonly onAcknowledged: () => void;
  /** A search opened the thread for this message: it takes focus. */
  readonly revealed?: boolean;
  /** Shown marked for a moment after a search opened it. */
  readonly marked?: boolean;
}) {
  const own = message.direction === 'out';
  const canRecall =
    own && message.text !== null && message.recalledAt === null && !message.expired && message.state !== 'failed';
  return (
    // One line of who, when, priority and (for one's own) delivery and Recall; then the text.
    <li
      className="message"
      data-message-id={message.id}
      data-revealed={marked || undefined}
      tabIndex={revealed ? -1 : undefined}
      data-direction={message.direction}
      data-priority={message.priority}
      data-awaiting={awaitingAcknowledgement(message) || undefined}
      data-escalated={(escalated(message) && awaitingAcknowledgement(message)) || undefined}
    >
      <div className="message-meta">
        {own ? (
          <span className="message-sender">You</span>
        ) : (
          <ShownText text={message.senderName} className="message-sender" />
        )}
        <time dateTime={new Date(message.sentAt).toISOString()}>{messageTime(message.sentAt, now)}</time>
        <PriorityMarker priority={message.priority} />
        {(own || (message.expiresAt !== null && message.text !== null)) && (
          <span className="message-status">
            <ReceiptLine message={message} />
            {message.expiresAt !== null && message.text !== null && (
              <span className="message-expiry">Expires {messageTime(message.expiresAt, now)}</span>
            )}
            {canRecall && <RecallButton bridge={bridge} messageId={message.id} onRecalled={onRecalled} />}
          </span>
        )}
      </div>
      <MessageBody message={message} />
      <MessageAttachments bridge={bridge} messageId={message.id} attachments={message.attachments} />
      {/* In the order things happen: re-alerts and escalation, then who acknowledged. */}
      <EscalationStatus message={message} time={(at) => messageTime(at, now)} />
      <AcknowledgementStatus message={message} time={(at) => messageTime(at, now)} />
      {message.acknowledgement.canAcknowledge && (
        <AcknowledgeActions bridge={bridge} messageId={message.id} onAcknowledged={onAcknowledged} />
      )}
    </li>
  );
}
