/**
 * What a new message says, decided without I/O: who it goes to (role addresses resolved to
 * their members at sending time), the conversation it starts, the participants it names, and
 * its envelope header and body. compose.ts does the asking, sealing, recording and storing.
 */
import type { SendRequest } from '../../shared/ipc/contract';
import type { DirectoryRole, DirectoryUser } from '../../shared/protocol/api';
import type { Availability } from '../../shared/protocol/availability';
import type { AttachmentRef } from '../../shared/protocol/attachment';
import type { EnvelopeHeader, MessageBody } from '../../shared/protocol/envelope';
import type { EscalationPlan } from '../../shared/protocol/escalation';
import { coverRecipients } from './cover-recipients';
import { routeToRole } from './role-routing';
import type { ConversationRecord, ParticipantRecord } from '../store/ops/conversation-ops';

export type NewConversationRequest = Extract<SendRequest, { to: unknown }>;

/**
 * The conversation a message to `request.to` starts, and its recipients (never the sender), or
 * null when nobody can receive it (an unknown role address, or no one left to address).
 * `throughRole`: recipients reached only as members of a role address, not named themselves;
 * one of them who cannot receive yet is left out rather than stopping the message. `plan`: a
 * STAT message to one role address may escalate (role-routing.ts).
 */
export function newConversation(
  request: NewConversationRequest,
  context: {
    readonly selfId: string;
    /** The directory's entry for a role address, as last searched. */
    readonly cachedRole: (addressId: string) => DirectoryRole | undefined;
    readonly id: string;
    readonly now: number;
    /** The directory's availability of the people named: an off-duty person's cover is added. */
    readonly availabilityOf?: (userId: string) => Availability | undefined;
  },
): {
  conversation: ConversationRecord;
  recipients: string[];
  throughRole: ReadonlySet<string>;
  plan: EscalationPlan | undefined;
} | null {
  const userIds = new Set<string>();
  const named = new Set<string>();
  let role: DirectoryRole | null = null;
  let plan: EscalationPlan | undefined;
  for (const to of request.to) {
    if (to.kind === 'user') {
      userIds.add(to.userId);
      named.add(to.userId);
    } else {
      // Role addresses are resolved now, at sending time: to whoever is on call, else every member.
      const entry = context.cachedRole(to.addressId);
      if (entry === undefined) return null;
      role = entry;
      const routing = routeToRole(entry, request.priority, { selfId: context.selfId, now: context.now });
      for (const id of routing.recipients) userIds.add(id);
      // Only a message to the one address escalates: a group's other people were named.
      if (request.to.length === 1) plan = routing.plan;
    }
  }
  userIds.delete(context.selfId);
  const { recipients } = coverRecipients({
    recipients: [...userIds],
    named,
    availabilityOf: (userId) => context.availabilityOf?.(userId),
    selfId: context.selfId,
    now: context.now,
  });
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
  const later = plan?.steps.flatMap((step) => step.to) ?? [];
  return {
    conversation,
    recipients,
    throughRole: new Set([...recipients, ...later].filter((id) => !named.has(id))),
    plan,
  };
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

/**
 * The role address a message's signed header names, so the server keeps it for that address's
 * retention period: its role conversation's address, where the directory shows the sender or
 * someone it is sealed for among the address's members, as the server checks
 * (server/relay/role-address-tag.ts). Not otherwise: a conversation a sender claimed was to an
 * address none of its members is in (main only takes the address's id from a sealed body), or
 * one whose address the directory could not be asked about now, keeps the organisation's period
 * for this message rather than have the server refuse it.
 */
export function headerRoleAddress(
  conversation: Pick<ConversationRecord, 'roleAddressId'>,
  role: DirectoryRole | null | undefined,
  people: readonly string[],
): string | undefined {
  if (conversation.roleAddressId === null || role == null || role.addressId !== conversation.roleAddressId)
    return undefined;
  const members = new Set(role.members.map((member) => member.userId));
  return people.some((id) => members.has(id)) ? role.addressId : undefined;
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
  readonly escalation?: EscalationPlan | undefined;
  /** Participants left out of this reply (escalation-standby.ts). */
  readonly standby?: readonly string[];
  /** Files attached, as sealed descriptions (main/attachments/). */
  readonly attachments?: readonly AttachmentRef[];
  /** The role address the header names (headerRoleAddress). */
  readonly roleAddress?: string | undefined;
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
    ...(input.escalation === undefined ? {} : { escalation: input.escalation }),
    // The blob ids, signed and in plain sight: the server links them to this message, so they
    // follow its recall and expiry and only its readers may fetch them.
    ...(input.attachments && input.attachments.length > 0
      ? { attachments: input.attachments.map((a) => a.blobId) }
      : {}),
    ...(input.roleAddress === undefined ? {} : { roleAddress: input.roleAddress }),
  };
  const body: MessageBody = {
    kind: 'text',
    text: request.text,
    ...(input.attachments && input.attachments.length > 0 ? { attachments: [...input.attachments] } : {}),
    // Only a routine message says so: urgent and STAT ask by their priority, which the header carries.
    ...(request.acknowledgementRequested && request.priority === 'routine'
      ? { acknowledgementRequested: true as const }
      : {}),
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
      ...(input.standby && input.standby.length > 0 ? { standby: [...input.standby] } : {}),
    },
  };
  return { header, body };
}
