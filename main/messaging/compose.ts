/**
 * Sending a message: a template send is rendered by main and policy's templates-only rule applied
 * (template-send.ts), then the minimum-necessary guard checks the subject and text
 * (identifier-check.ts: a warning to confirm, or a refusal), then the recipients' pinned keys are
 * fetched (a changed key stops the send and is shown), the message is sealed to them, to the
 * sender's own copy and to the hospital's archive key if policy names one (a send this session
 * cannot seal as the server requires is refused first: archive-sealing.ts), recorded in the audit trail, and only then stored as pending with its
 * envelope in the outbox, which sends it.
 */
import { randomUUID } from 'node:crypto';
import { appError } from '../../shared/errors';
import type { SendRequest } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { sealEnvelope, SealError } from '../crypto/envelope-seal';
import { appCodeOf } from '../server-link/api-error-code';
import type { Availability } from '../../shared/protocol/availability';
import type { ConversationRecord, ParticipantRecord } from '../store/ops/conversation-ops';
import type { StoreClient } from '../store/store-client';
import type { ActionRecords } from './action-records';
import type { ContactKeys } from './contact-keys';
import { headerRoleAddress, newConversation, outgoingContent, participantsOf } from './outgoing-message';
import { leaveOutUnreachable, type RoleRouting } from './role-routing';
import { standbyParticipants } from './escalation-standby';
import { escalationRecipients, type EscalationPlan } from '../../shared/protocol/escalation';
import type { OwnKeys } from './own-keys';
import type { RoleDirectory } from './role-directory';
import { actionEvent } from '../../shared/audit/audit-event-builder';
import { asksForAcknowledgement } from '../../shared/protocol/acknowledgement';
import type { AttachmentDrafts } from '../attachments/attachment-drafts';
import type { AttachmentRecord } from '../store/ops/attachment-ops';
import type { IdentifierCount } from '../../shared/text/identifier-guard/identifier-kinds';
import { withPreviews } from '../attachments/attachment-previews';
import { attachmentRefOf } from '../attachments/attachment-record';
import { guardEvent, type GuardSubject, type IdentifierCheck } from './identifier-check';
import type { TemplateSend } from './template-send';

export interface ComposerDeps {
  readonly store: StoreClient;
  readonly contacts: ContactKeys;
  readonly roles: Pick<RoleDirectory, 'cached' | 'refresh' | 'lookup'>;
  readonly records: ActionRecords;
  readonly ownKeys: OwnKeys;
  /** The sender as the conversation names them. */
  readonly self: ParticipantRecord;
  readonly deviceId: string;
  readonly now: () => number;
  readonly onThreadChanged: (conversationId: string) => void;
  readonly onListChanged: () => void;
  /** A message was queued: the outbox should send it. */
  readonly onQueued: () => void;
  /** The directory's current availability of these people (empty when it cannot be asked). */
  readonly availabilityOf?: (userIds: readonly string[]) => Promise<ReadonlyMap<string, Availability>>;
  /** The minimum-necessary guard under this sender's policy. */
  readonly checkIdentifiers: IdentifierCheck;
  /** Files attached and uploaded, which a send names by draft id. */
  readonly drafts: Pick<AttachmentDrafts, 'take' | 'consume' | 'release'>;
  /** A template send rendered from the template main holds; free text refused where policy says templates only. */
  readonly resolveTemplate: TemplateSend;
}

export interface Composer {
  readonly send: (
    request: SendRequest,
  ) => Promise<IpcResult<{ conversationId: string; messageId: string; notReached: string[] }>>;
}

export function createComposer(deps: ComposerDeps): Composer {
  const { store, self } = deps;

  /** Who a new message goes to, and the conversation it starts or continues. */
  async function resolve(request: SendRequest): Promise<
    IpcResult<{
      conversation: ConversationRecord;
      recipients: string[];
      isNew: boolean;
      throughRole: ReadonlySet<string>;
      plan: EscalationPlan | undefined;
      standby: readonly string[];
    }>
  > {
    if ('conversationId' in request) {
      const conversation = await store.call('conversation.get', { id: request.conversationId });
      if (conversation === null) return fail(appError('NOT_FOUND'));
      const onStandby = standbyParticipants(
        await store.call('conversation.escalationPlans', { conversationId: conversation.id }),
      );
      const others = conversation.participants.map((p) => p.userId).filter((id) => id !== self.userId);
      const recipients = others.filter((id) => !onStandby.has(id));
      if (recipients.length === 0) return fail(appError('BAD_REQUEST'));
      const standby = others.filter((id) => onStandby.has(id));
      return ok({ conversation, recipients, isNew: false, throughRole: new Set<string>(), plan: undefined, standby });
    }
    // Asked fresh for a new conversation: an off-duty person's cover receives it too (cover-recipients.ts).
    const named = request.to.flatMap((to) => (to.kind === 'user' ? [to.userId] : []));
    // Who is on call now, not when the sender searched: a shift may have started since.
    const roles = request.to.flatMap((to) => (to.kind === 'role' ? [to.addressId] : []));
    const [availability] = await Promise.all([
      named.length > 0 && deps.availabilityOf
        ? deps.availabilityOf(named)
        : Promise.resolve(new Map<string, Availability>()),
      ...roles.map((addressId) => deps.roles.refresh(addressId)),
    ]);
    const started = newConversation(request, {
      selfId: self.userId,
      cachedRole: (addressId) => deps.roles.cached(addressId),
      id: randomUUID(),
      now: deps.now(),
      availabilityOf: (userId) => availability.get(userId),
    });
    if (started === null) return fail(appError('RECIPIENT_UNAVAILABLE'));
    return ok({ ...started, isNew: true, standby: [] });
  }

  /** What a guard record names: the conversation replied to and its patient, or a new one's patient. */
  async function guardSubject(request: SendRequest): Promise<GuardSubject | null> {
    if (!('conversationId' in request)) return { conversationId: null, patient: request.patient?.ref ?? null };
    const conversation = await store.call('conversation.get', { id: request.conversationId });
    return conversation === null
      ? null
      : { conversationId: conversation.id, patient: conversation.patient?.ref ?? null };
  }

  return {
    async send(asked) {
      // Before anything else: nothing this session seals could be delivered (archive-sealing.ts).
      if (deps.ownKeys.sealRefusal !== null) return fail(appError(deps.ownKeys.sealRefusal));
      const templated = await deps.resolveTemplate(asked);
      if (!templated.ok) return templated;
      const { request, templateId } = templated.value;
      const subject = await guardSubject(request);
      if (subject === null) return fail(appError('NOT_FOUND'));
      const guard = await deps.checkIdentifiers(request, subject);
      if (!guard.ok) return guard;
      const drafts = request.attachments ?? [];
      const attached = deps.drafts.take(drafts);
      if (!attached.ok) return attached;
      // Taken for this send alone: they go with it once it is queued, or back to the compose box.
      try {
        const sent = await sendWith(request, templateId, guard, attached);
        if (sent.ok) deps.drafts.consume(drafts);
        return sent;
      } finally {
        deps.drafts.release(drafts);
      }
    },
  };

  /** The send itself, once the check has passed and its attachments are taken for it. */
  async function sendWith(
    request: SendRequest,
    templateId: string | null,
    guard: { readonly value: { readonly overridden: readonly IdentifierCount[] | null } },
    attached: { readonly value: readonly AttachmentRecord[] },
  ): Promise<IpcResult<{ conversationId: string; messageId: string; notReached: string[] }>> {
    {
      const resolved = await resolve(request);
      if (!resolved.ok) return resolved;
      const { conversation, isNew, throughRole, standby } = resolved.value;
      let routing: RoleRouting = { recipients: resolved.value.recipients, plan: resolved.value.plan };
      // Sealed for everyone it may reach: its recipients now and its escalation plan's people.
      const readers = () => [...routing.recipients, ...escalationRecipients(routing.plan)];
      // A reply in a known conversation needs no directory details, only the pinned keys.
      let keys = await deps.contacts.keysForSending(readers(), { details: isNew });
      // Role members who cannot receive yet (never signed in, deactivated) do not hold the
      // message back from the rest: they are left out and named to the sender.
      let notReached: string[] = [];
      if (!keys.ok && keys.error.code === 'RECIPIENT_UNAVAILABLE') {
        const rest = leaveOutUnreachable(routing, keys.error.userIds, throughRole);
        if (rest !== null) {
          notReached = [...keys.error.userIds];
          routing = rest;
          keys = await deps.contacts.keysForSending(readers(), { details: isNew });
        }
      }
      const { recipients, plan } = routing;
      if (!keys.ok) {
        const refusal = keys.error;
        if (refusal.code === 'API') return fail(appError(appCodeOf(refusal.api.code)));
        if (refusal.code === 'KEY_CHANGED')
          await Promise.all(
            refusal.userIds.map((userId) =>
              deps.records.noted(actionEvent({ action: 'key-change.shown', object: { kind: 'account', id: userId } })),
            ),
          );
        return fail(appError(refusal.code, refusal.userIds));
      }
      // The conversation's members stay whole: those on standby are named, not sealed to.
      const participants = participantsOf(
        self,
        [...readers(), ...standby],
        conversation.participants,
        (id) => keys.value.get(id)?.user,
      );
      // A new conversation begins with this message: same instant, so nothing is "earlier".
      const sentAt = isNew ? conversation.createdAt : deps.now();
      const role = conversation.roleAddressId === null ? null : await deps.roles.lookup(conversation.roleAddressId);
      const { header, body } = outgoingContent({
        request,
        conversation,
        participants,
        recipients,
        sender: { userId: self.userId, deviceId: deps.deviceId },
        id: randomUUID(),
        sentAt,
        escalation: plan,
        standby,
        attachments: attached.value.map(attachmentRefOf),
        roleAddress: headerRoleAddress(conversation, role, [self.userId, ...readers()]),
      });
      let sealed;
      try {
        sealed = await sealEnvelope({
          header,
          body: withPreviews(body, attached.value),
          recipientKeys: deps.ownKeys.sealedTo(readers(), (id) => keys.value.get(id)?.encryptionKey ?? ''),
          signingKey: deps.ownKeys.signingKey,
        });
      } catch (error) {
        return fail(
          appError(error instanceof SealError && error.code === 'BODY_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL'),
        );
      }
      const patient = conversation.patient?.ref ?? null;
      const sent = actionEvent({
        action: 'message.sent',
        object: { kind: 'message', id: header.id, conversationId: conversation.id },
        patient,
      });
      // Sent after the warning: the override goes on the trail with the message, or neither does.
      const { overridden } = guard.value;
      // So does the template it was made from: by id, never the values filled in.
      const used =
        templateId === null
          ? []
          : [actionEvent({ action: 'template.used', object: { kind: 'template', id: templateId }, patient })];
      const refused = await deps.records.refusals([
        ...(overridden === null
          ? []
          : [guardEvent('guard.overridden', overridden, { conversationId: conversation.id, patient })]),
        sent,
        ...used,
      ]);
      if (refused !== null) return fail(appError(refused));
      await store.call('message.queueOutgoing', {
        conversation: { ...conversation, participants },
        message: {
          id: header.id,
          senderId: self.userId,
          sentAt,
          priority: header.priority,
          expiresAt: header.expiresAt,
          recipientCount: recipients.length,
          body: request.text,
          ackRequested: asksForAcknowledgement(header.priority, body.acknowledgementRequested === true),
          escalationPlan: plan ?? null,
          ...(attached.value.length > 0 ? { attachments: attached.value } : {}),
        },
        envelope: new TextEncoder().encode(JSON.stringify(sealed)),
      });
      deps.onThreadChanged(conversation.id);
      deps.onListChanged();
      deps.onQueued();
      return ok({ conversationId: conversation.id, messageId: header.id, notReached });
    }
  }
}
