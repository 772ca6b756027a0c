/**
 * How stored messages and conversations look to the renderer. Pure: no I/O, so the rules
 * (what state an outgoing message is in, what a conversation is called) are tested directly.
 */
import type { ConversationSummary, MessageView } from '../../shared/ipc/contract';
import type { ConversationListRow, StoredMessage } from '../store/messaging-ops';

export function messageState(message: StoredMessage): MessageView['state'] {
  if (message.direction === 'in') return 'received';
  if (message.sendState === 'pending') return message.held ? 'held' : 'pending';
  if (message.sendState === 'failed') return 'failed';
  if (message.recipientCount > 0 && message.readCount >= message.recipientCount) return 'read';
  if (message.recipientCount > 0 && message.deliveredCount >= message.recipientCount) return 'delivered';
  return 'sent';
}

export function toMessageView(message: StoredMessage, senderName: string, now: number): MessageView {
  const expired = message.expiredAt !== null || (message.expiresAt !== null && message.expiresAt <= now);
  return {
    id: message.id,
    senderId: message.senderId,
    senderName,
    direction: message.direction,
    // An expired body not yet swept is still never shown.
    text: expired || message.recalledAt !== null ? null : message.body,
    sentAt: message.sentAt,
    priority: message.priority,
    expiresAt: message.expiresAt,
    recalledAt: message.recalledAt,
    expired,
    state: messageState(message),
    deliveredCount: Math.min(message.deliveredCount, message.recipientCount),
    readCount: Math.min(message.readCount, message.recipientCount),
    recipientCount: message.recipientCount,
  };
}

export function conversationLabel(input: { title: string | null; roleAddressName: string | null; otherNames: readonly string[] }): string {
  if (input.title !== null && input.title.trim() !== '') return input.title;
  if (input.roleAddressName !== null) return input.roleAddressName;
  if (input.otherNames.length === 0) return 'Notes to self';
  if (input.otherNames.length <= 3) return input.otherNames.join(', ');
  return `${input.otherNames.slice(0, 2).join(', ')} and ${String(input.otherNames.length - 2)} others`;
}

export function toConversationSummary(row: ConversationListRow): ConversationSummary {
  return {
    id: row.id,
    kind: row.kind,
    label: conversationLabel(row).slice(0, 500),
    unreadCount: row.unreadCount,
    lastMessageAt: row.lastMessageAt,
    unreadPriority: row.unreadPriority,
  };
}
