/**
 * What a new message says, decided without I/O: who it goes to (role addresses resolved at
 * sending time to whoever is on call, else their members: role-recipients.ts), the conversation it starts, the participants it names, and
 * its envelope header and body. compose.ts does the asking, sealing, recording and storing.
 */
import type { SendRequest } from '../../shared/ipc/contract';
import type { DirectoryRole, DirectoryUser } from '../../shared/protocol/api';
import type { EnvelopeHeader, MessageBody } from '../../shared/protocol/envelope';
import type { ConversationRecord, ParticipantRecord } from '../store/ops/conversation-ops';
import { roleRecipients } from './role-recipients';

export type NewConversationRequest = Extract<SendRequest, { to: unknown }>;

/**
 * The conversation a message to `request.to` starts, and its recipients (never the sender), or
 * null when nobody can receive it (an unknown role address, or no one left to address).
 */
export function newConversation(
  request: NewConversationRequest,
  context: {
    readonly selfId: string;
    /** The directory's entry for a role address, as last searched. */
    readonly cachedRole: (addressId: string) => DirectoryRole | undefined;
    readonly id: string;
    readonly now: number;
  },
): { conversation: ConversationRecord; recipients: string[] } | null {
  const userIds = new Set<string>();
  let role: DirectoryRole | null = null;
  for (const to of request.to) {
    if (to.kind === 'user') userIds.add(to.userId);
    else {
      // Role addresses are resolved now, at sending time: to whoever is on call, else every member.
      const entry = context.cachedRole(to.addressId);
      if (entry === undefined) return null;
      role = entry;
      for (const userId of roleRecipients(entry, context)) userIds.add(userId);
    }
  }
  userIds.delete(context.selfId);
  const recipients = [...userIds];
  if (recipients.length === 0) return null;
  // A message to one role address is a role conversation; a role among others is a group.
  const onlyRole: DirectoryRole | null = request.to.length === 1 ? role : null;
  const conversation: ConversationRecord = {
    id: context.id,
    kind: onlyRole ? 'role' : recipients.length === 1 ? 'direct' : 'group',
    title: request.title,
    roleAddressId: onlyRole?.addressId ?? null,
    roleAddressName: onlyRole?.displayName ?? null,
    createdAt: context.now,
    patient: request.patient,
    participants: [],
  };
  return { conversation, recipients };
}

/**
 * The sender first, then each recipient by their directory details, else as the conversation
 * already knows them, else by id alone (offline, never seen).
 */
export function participantsOf(
  self: ParticipantRecord,
  recipients: readonly string[],
  known: readonly ParticipantRecord[],
  directory: (userId: string) => DirectoryUser | null | undefined,
): ParticipantRecord[] {
  const byId = new Map(known.map((p) => [p.userId, p]));
  return [
    self,
    ...recipients.map((id): ParticipantRecord => {
      const user = directory(id);
      if (!user) return byId.get(id) ?? { userId: id, displayName: id, role: null, department: null, title: null };
      return {
        userId: id,
        displayName: user.displayName,
        role: user.role,
        department: user.department,
        title: user.title,
      };
    }),
  ];
}

/** The envelope's header and body for a message sent now into `conversation`. */
export function outgoingContent(input: {
  readonly request: SendRequest;
  readonly conversation: ConversationRecord;
  readonly participants: readonly ParticipantRecord[];
  readonly recipients: readonly string[];
  readonly sender: EnvelopeHeader['sender'];
  readonly id: string;
  readonly sentAt: number;
}): { header: EnvelopeHeader; body: MessageBody } {
  const { request, conversation, sentAt } = input;
  const header: EnvelopeHeader = {
    v: 1,
    id: input.id,
    conversationId: conversation.id,
    sender: input.sender,
    recipients: [...input.recipients],
    sentAt,
    expiresAt: request.expiresInSeconds === null ? null : sentAt + request.expiresInSeconds * 1000,
    priority: request.priority,
  };
  const body: MessageBody = {
    kind: 'text',
    text: request.text,
    conversation: {
      kind: conversation.kind,
      title: conversation.title,
      participants: input.participants.map((p) => p.userId),
      roleAddress:
        conversation.roleAddressId !== null && conversation.roleAddressName !== null
          ? { id: conversation.roleAddressId, displayName: conversation.roleAddressName }
          : null,
      startedAt: conversation.createdAt,
      patient: conversation.patient,
    },
  };
  return { header, body };
}
