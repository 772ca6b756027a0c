/**
 * How stored messages and conversations look to the renderer. Pure: no I/O, so the rules
 * (what state an outgoing message is in, what a conversation is called) are tested directly.
 *
 * Every name, subject and label leaves main through here, passed through `displayText` (the one
 * rule for displayed text, shared/text/display-text.ts). A conversation is called by who it is
 * with, in the directory's names; the subject its starter typed is a separate field, never a name.
 */
import type { AttachmentView } from '../../shared/ipc/attachment-channels';
import type { ConversationSummary, MessageView, Participant, Thread } from '../../shared/ipc/contract';
import { ROLES, type Role } from '../../shared/access/permission-matrix';
import type { DirectoryEntry, DirectoryUser } from '../../shared/protocol/api';
import { displayText, displayTextOrNull } from '../../shared/text/display-text';
import type { ConversationListRow, ConversationRecord } from '../store/ops/conversation-ops';
import type { StoredMessage } from '../store/ops/message-ops';

const NAME_CHARS = 200;
const SUBJECT_CHARS = 200;
const PATIENT_LABEL_CHARS = 120;

/** What a list or header says for a role address the directory does not know. */
export const UNKNOWN_ROLE_ADDRESS = 'Unknown role address';

/** A name as displayed; `fallback` (an id, safe by its format) when nothing visible is left. */
const nameOf = (value: string, fallback: string): string => displayTextOrNull(value, NAME_CHARS) ?? fallback;
const detailOf = (value: string | null): string | null => displayTextOrNull(value, NAME_CHARS);
const isRole = (value: string | null): value is Role => value !== null && (ROLES as readonly string[]).includes(value);

export function messageState(message: StoredMessage): MessageView['state'] {
  if (message.direction === 'in') return 'received';
  if (message.sendState === 'pending') return message.held ? 'held' : 'pending';
  if (message.sendState === 'failed') return 'failed';
  if (message.recipientCount > 0 && message.readCount >= message.recipientCount) return 'read';
  if (message.recipientCount > 0 && message.deliveredCount >= message.recipientCount) return 'delivered';
  return 'sent';
}

/** Who the thread's reader is and what its people are called, for the parts of a message that name them. */
export interface MessageViewContext {
  readonly selfId: string;
  readonly names: ReadonlyMap<string, string>;
  readonly now: number;
  /** Each message's attachments as the thread shows them (absent: none). */
  readonly attachments?: ReadonlyMap<string, AttachmentView[]>;
}

export function toMessageView(message: StoredMessage, context: MessageViewContext): MessageView {
  const name = (userId: string) => nameOf(context.names.get(userId) ?? userId, userId);
  const expired = message.expiredAt !== null || (message.expiresAt !== null && message.expiresAt <= context.now);
  const gone = expired || message.recalledAt !== null || message.body === null;
  return {
    id: message.id,
    senderId: message.senderId,
    senderName: name(message.senderId),
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
    acknowledgement: {
      requested: message.ackRequested,
      by: message.acknowledgements.map((ack) => ({
        userId: ack.userId,
        name: name(ack.userId),
        reply: ack.reply,
        at: ack.at,
      })),
      canAcknowledge:
        message.ackRequested &&
        message.direction === 'in' &&
        !gone &&
        !message.acknowledgements.some((ack) => ack.userId === context.selfId),
    },
    escalation: escalationView(message, name),
    // Gone with the message, even before the sweeper has removed the bytes.
    attachments: (context.attachments?.get(message.id) ?? []).map((a) =>
      gone ? { ...a, state: 'removed' as const, problem: null, thumbnail: null } : a,
    ),
  };
}

/** Each step of the signed plan by its people's names, when it falls due (from acceptance) and when it was released. */
function escalationView(message: StoredMessage, name: (userId: string) => string): MessageView['escalation'] {
  if (message.escalation === null) return null;
  const { plan, alerts } = message.escalation;
  const realerts = alerts.filter((alert) => alert.step === null);
  return {
    steps: plan.steps.map((step, index) => ({
      reason: step.reason,
      names: step.to.map(name),
      dueAt: message.sentAt + step.afterMs,
      releasedAt: alerts.find((alert) => alert.step === index)?.at ?? null,
    })),
    realerts: realerts.length,
    lastRealertAt: realerts.at(-1)?.at ?? null,
  };
}

/**
 * Who a conversation is with: a role address by the directory's name (or as unknown), else the
 * other participants' names. The subject is deliberately not an input: a sender's words never
 * stand where a name goes.
 */
export function conversationLabel(input: {
  roleAddressId: string | null;
  roleAddressName: string | null;
  otherNames: readonly string[];
}): string {
  if (input.roleAddressId !== null) return displayTextOrNull(input.roleAddressName, NAME_CHARS) ?? UNKNOWN_ROLE_ADDRESS;
  const names = input.otherNames.map((name) => nameOf(name, 'Unnamed'));
  if (names.length === 0) return 'Notes to self';
  if (names.length <= 3) return names.join(', ');
  return `${names.slice(0, 2).join(', ')} and ${String(names.length - 2)} others`;
}

export function toConversationSummary(row: ConversationListRow): ConversationSummary {
  return {
    id: row.id,
    kind: row.kind,
    label: conversationLabel(row).slice(0, 500),
    subject: displayTextOrNull(row.title, SUBJECT_CHARS),
    unreadCount: row.unreadCount,
    lastMessageAt: row.lastMessageAt,
    unreadPriority: row.unreadPriority,
    awaitingAcknowledgement: row.awaitingAcknowledgement,
  };
}

/** A stored conversation as the thread header shows it; `keyChanged` lists contacts whose key awaits acceptance. */
export function toThreadConversation(
  conversation: ConversationRecord,
  selfId: string,
  keyChanged: ReadonlySet<string>,
): Thread['conversation'] {
  const participants = conversation.participants.map((p): Participant => ({
    userId: p.userId,
    displayName: nameOf(p.displayName, p.userId),
    role: isRole(p.role) ? p.role : null,
    department: detailOf(p.department),
    title: detailOf(p.title),
    keyChanged: keyChanged.has(p.userId),
  }));
  const roleName = displayTextOrNull(conversation.roleAddressName, NAME_CHARS);
  return {
    id: conversation.id,
    kind: conversation.kind,
    label: conversationLabel({
      roleAddressId: conversation.roleAddressId,
      roleAddressName: roleName,
      otherNames: participants.filter((p) => p.userId !== selfId).map((p) => p.displayName),
    }).slice(0, 500),
    subject: displayTextOrNull(conversation.title, SUBJECT_CHARS),
    roleAddress: conversation.roleAddressId === null ? null : { id: conversation.roleAddressId, displayName: roleName },
    patient:
      conversation.patient === null
        ? null
        : { ref: conversation.patient.ref, label: displayTextOrNull(conversation.patient.label, PATIENT_LABEL_CHARS) },
    participants,
  };
}

function toDirectoryUserView(user: DirectoryUser): DirectoryUser {
  const away = user.availability;
  return {
    ...user,
    displayName: nameOf(user.displayName, user.userId),
    department: displayText(user.department, NAME_CHARS),
    title: displayText(user.title, NAME_CHARS),
    // The cover's name is the directory's too: cleaned like every other name shown.
    availability:
      away === null || away.cover === null
        ? away
        : {
            ...away,
            cover: { userId: away.cover.userId, displayName: nameOf(away.cover.displayName, away.cover.userId) },
          },
  };
}

/** A directory search result as the recipient picker shows it. */
export function toDirectoryEntryView(entry: DirectoryEntry): DirectoryEntry {
  if (entry.kind === 'user') return toDirectoryUserView(entry);
  return {
    ...entry,
    displayName: nameOf(entry.displayName, entry.addressId),
    department: displayText(entry.department, NAME_CHARS),
    description: displayText(entry.description, 500),
    members: entry.members.map(toDirectoryUserView),
  };
}
