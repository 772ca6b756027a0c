/**
 * Handles one feed event at a time and stores its effect before the cursor moves past it:
 * envelopes are verified against the sender's pinned key, opened and stored (once, however
 * often they arrive); receipts update delivery state; recalls, verified against the sender's
 * key, remove the body; acknowledgements, verified against the acknowledging person's key, are
 * recorded with the message. An event that fails verification is dropped, never shown, and does not
 * block the events after it.
 *
 * What a sender says about a conversation is not taken on trust where it would name someone:
 * participants are stored by their directory names, a role address by the directory's name for
 * its id (none if the directory does not know it), and the kind follows from those facts. The
 * sender's title is kept as the subject, which views never show in the place of a name.
 *
 * Nor is the sender's clock: a message is stored, ordered and shown at the server's acceptance
 * time (`acceptedAt`), a recall at the server's time of the recall. The sender's signed times stay
 * in the stored envelope, where the signature covers them (shared/protocol/clock-skew.ts).
 */
import type { FeedEvent } from '../../shared/protocol/feed';
import type { Envelope, MessageBody, Priority } from '../../shared/protocol/envelope';
import { openEnvelope, type EnvelopeReader } from '../../shared/node/crypto/envelope-open';
import { verifyAcknowledgement } from '../crypto/acknowledgement-signature';
import { verifyRecall } from '../../shared/node/crypto/recall-signature';
import type { StoreClient } from '../store/store-client';
import type { ConversationRecord } from '../store/ops/conversation-ops';
import type { ContactKeys } from './contact-keys';
import type { RoleDirectory } from './role-directory';
import { displayTextOrNull } from '../../shared/text/display-text';
import { asksForAcknowledgement } from '../../shared/protocol/acknowledgement';
import { plannedParticipants } from './escalation-standby';
import { readerThumbnails } from '../attachments/attachment-previews';
import { attachmentRecordOf } from '../attachments/attachment-record';
import type { AttachmentRecord } from '../store/ops/attachment-ops';
import type { AttachmentRef } from '../../shared/protocol/attachment';
import { sameMembers, sealedHeaderMismatch } from './sealed-header-checks';

export const FEED_CURSOR_SETTING = 'feed.cursor';

export interface Self {
  readonly userId: string;
  readonly signingPublicKey: string;
  readonly encryption: EnvelopeReader['encryption'];
}

export interface FeedReceiverDeps {
  readonly store: StoreClient;
  readonly contacts: ContactKeys;
  /** Names role addresses: the directory's name for an id, never the sender's. */
  readonly roles: Pick<RoleDirectory, 'lookup'>;
  readonly self: Self;
  readonly now: () => number;
  readonly onThreadChanged: (conversationId: string) => void;
  readonly onListChanged: () => void;
  /** A message from someone else is stored: acknowledge delivery. */
  readonly onDelivered: (messageId: string) => void;
  /** Something was refused (bad signature, undecryptable): a code for the log, never content. */
  readonly onRejected: (reason: string) => void;
  /** A new incoming message was stored: who sent it (a display name), for a PHI-free notification. */
  readonly onIncoming?: (senderName: string | null, priority: Priority) => void;
  /** Re-encodes a sender's preview as a thumbnail here (image-sanitizer.ts); without it, previews are ignored. */
  readonly thumbnail?: (bytes: Uint8Array) => Promise<Uint8Array | null>;
  /** A stored message carries attachments to fetch, or a recall let some go. */
  readonly onAttachments?: () => void;
  /**
   * A STAT message to this clinician is re-alerted and still waits for their acknowledgement:
   * how many incoming messages wait, for a PHI-free notice.
   */
  readonly onAwaitingAcknowledgement?: (count: number) => void;
  /**
   * A new incoming message is about to be stored (ids only, for the audit trail). Awaited first:
   * if it rejects, nothing is stored and the event is not acknowledged, so it comes again.
   * `patient`: the reference of the patient the conversation is about, as this vault holds it.
   */
  readonly onReceived?: (message: { id: string; conversationId: string; patient: string | null }) => Promise<void>;
}

export interface FeedReceiver {
  handle(event: FeedEvent): Promise<void>;
  /** Verifies, opens and stores an envelope fetched outside the feed (history); the cursor stays. */
  ingest(envelope: Envelope, acceptedAt: number): Promise<void>;
  cursor(): Promise<number>;
}

export function createFeedReceiver(deps: FeedReceiverDeps): FeedReceiver {
  const reader: EnvelopeReader = { recipient: deps.self.userId, encryption: deps.self.encryption };

  async function standbyAllowed(conversationId: string, body: MessageBody): Promise<boolean> {
    const standby = body.conversation.standby ?? [];
    if (standby.length === 0) return true;
    const planned = plannedParticipants(await deps.store.call('conversation.escalationPlans', { conversationId }));
    return standby.every((id) => planned.has(id));
  }

  /** Opens with the pinned key; if that fails, with a key the directory now shows (the warning then stays up). */
  async function open(envelope: Envelope): Promise<MessageBody | null> {
    const sender = envelope.header.sender.userId;
    if (sender === deps.self.userId) {
      const own = await openEnvelope(envelope, reader, deps.self.signingPublicKey);
      return own.ok ? own.value : null;
    }
    let keys = await deps.contacts.signingKeyFor(sender);
    if (keys === null) return null;
    const first = await openEnvelope(envelope, reader, keys.pinned);
    if (first.ok) return first.value;
    if (first.error !== 'SIGNATURE_INVALID') return null;
    if (keys.pending === null) {
      // The sender may have new keys we have not noticed yet: asking the directory records them as pending.
      await deps.contacts.refresh([sender]);
      keys = await deps.contacts.signingKeyFor(sender);
    }
    if (keys?.pending == null) return null;
    const second = await openEnvelope(envelope, reader, keys.pending);
    return second.ok ? second.value : null;
  }

  /**
   * The conversation as this vault records it. `isNew`: only a new conversation's details are
   * stored (an existing one keeps its own), so only then is the directory asked about its role.
   */
  async function conversationOf(
    envelope: Envelope,
    body: MessageBody,
    isNew: boolean,
    acceptedAt: number,
  ): Promise<ConversationRecord> {
    const ids = [...new Set([...body.conversation.participants, envelope.header.sender.userId])];
    const known = await deps.contacts.describe(ids);
    const roleAddressId = body.conversation.roleAddress?.id ?? null;
    // Unknown to the directory, or the directory not answering: no name (shown as unknown until
    // the directory names it; the names are asked again at each sign-in).
    const role = roleAddressId !== null && isNew ? await deps.roles.lookup(roleAddressId) : null;
    return {
      id: envelope.header.conversationId,
      kind: roleAddressId !== null ? 'role' : ids.length <= 2 ? 'direct' : 'group',
      title: body.conversation.title,
      roleAddressId,
      roleAddressName: role?.displayName ?? null,
      // On the server's clock like the messages: never later than this message; a claim of an
      // earlier start (joined after it began) keeps its distance before it, and at worst offers
      // an empty history.
      createdAt:
        acceptedAt - Math.max(0, envelope.header.sentAt - (body.conversation.startedAt ?? envelope.header.sentAt)),
      patient: body.conversation.patient ?? null,
      participants: ids.map((userId) => {
        const user = known.get(userId);
        return {
          userId,
          displayName: user?.displayName ?? userId,
          role: user?.role ?? null,
          department: user?.department ?? null,
          title: user?.title ?? null,
        };
      }),
    };
  }

  /**
   * `live`: it came on the feed. One fetched from history (scrolling back, perhaps to a message
   * local retention removed) is stored and recorded the same, but raises no notice: it is old news.
   */
  async function onEnvelope(envelope: Envelope, acceptedAt: number, live = true): Promise<void> {
    const header = envelope.header;
    if (header.expiresAt !== null && header.expiresAt <= deps.now()) return;
    const body = await open(envelope);
    if (body === null) {
      deps.onRejected('ENVELOPE_REJECTED');
      return;
    }
    // The sealed details must agree with what the signed header says of the same things.
    const mismatch = sealedHeaderMismatch(header, body);
    if (mismatch !== null) {
      deps.onRejected(mismatch);
      return;
    }
    const existing = await deps.store.call('conversation.get', { id: header.conversationId });
    if (
      existing !== null &&
      !sameMembers(
        existing.participants.map((p) => p.userId),
        body.conversation.participants,
      )
    ) {
      // Nobody joins a conversation by reusing its id: members are fixed when it starts.
      deps.onRejected('CONVERSATION_MISMATCH');
      return;
    }
    if (existing !== null && !(await standbyAllowed(header.conversationId, body))) {
      // Only someone an escalation plan in this thread named may be left out of a reply.
      deps.onRejected('PARTICIPANTS_MISMATCH');
      return;
    }
    const direction = header.sender.userId === deps.self.userId ? 'out' : 'in';
    const conversation = await conversationOf(envelope, body, existing === null, acceptedAt);
    // Recorded before it is stored: once stored it is no longer new, so a record that failed
    // after the store would never be written. A store that fails after the record only means the
    // record is written again when the event comes again.
    if (direction === 'in' && (await deps.store.call('message.find', { id: header.id })) === null) {
      await deps.onReceived?.({
        id: header.id,
        conversationId: header.conversationId,
        patient: (existing ?? conversation).patient?.ref ?? null,
      });
    }
    const { inserted } = await deps.store.call('message.receive', {
      conversation,
      message: {
        id: header.id,
        conversationId: header.conversationId,
        senderId: header.sender.userId,
        // The server's clock orders the thread: a sender's clock cannot put a message on top.
        sentAt: acceptedAt,
        receivedAt: deps.now(),
        priority: header.priority,
        expiresAt: header.expiresAt,
        recipientCount: header.recipients.filter((id) => id !== header.sender.userId).length,
        envelope: new TextEncoder().encode(JSON.stringify(envelope)),
        body: body.text,
        direction,
        ackRequested: asksForAcknowledgement(header.priority, body.acknowledgementRequested === true),
        escalationPlan: header.escalation ?? null,
        ...(body.attachments === undefined ? {} : { attachments: await attachmentRecordsOf(body.attachments) }),
      },
    });
    // The delivery receipt goes only after the record above: the sender learns of it once it is in the trail.
    if (direction === 'in') deps.onDelivered(header.id);
    if (inserted) {
      if (body.attachments !== undefined) deps.onAttachments?.();
      deps.onThreadChanged(header.conversationId);
      deps.onListChanged();
      if (direction === 'in' && live) {
        const sender = conversation.participants.find((p) => p.userId === header.sender.userId)?.displayName ?? null;
        deps.onIncoming?.(displayTextOrNull(sender, 200), header.priority);
      }
    }
  }

  /** The body's attachments to store, each image with its preview re-encoded here as its thumbnail. */
  async function attachmentRecordsOf(refs: readonly AttachmentRef[]): Promise<AttachmentRecord[]> {
    const thumbnails =
      deps.thumbnail === undefined ? new Map<string, Uint8Array>() : await readerThumbnails(refs, deps.thumbnail);
    return refs.map((ref) => attachmentRecordOf(ref, thumbnails.get(ref.blobId) ?? null));
  }

  async function onRecall(event: Extract<FeedEvent, { type: 'recall' }>): Promise<void> {
    const key =
      event.senderId === deps.self.userId
        ? deps.self.signingPublicKey
        : (await deps.contacts.signingKeyFor(event.senderId))?.pinned;
    const message = await deps.store.call('message.find', { id: event.messageId });
    if (key === undefined || message === null || message.senderId !== event.senderId) return;
    const input = { messageId: event.messageId, senderId: event.senderId, recalledAt: event.recalledAt };
    if (!(await verifyRecall(input, event.signature, key))) {
      deps.onRejected('RECALL_REJECTED');
      return;
    }
    if (await deps.store.call('message.recall', { id: event.messageId, recalledAt: event.acceptedAt })) {
      // Its attachments' files were let go with their keys: unlinked now.
      deps.onAttachments?.();
      deps.onThreadChanged(message.conversationId);
      deps.onListChanged();
    }
  }

  /**
   * An acknowledgement counts only if signed by someone the message went to (never its sender),
   * with that person's pinned key: the server cannot close the loop on anyone's behalf.
   */
  async function onAcknowledgement(event: Extract<FeedEvent, { type: 'acknowledgement' }>): Promise<void> {
    const message = await deps.store.call('message.find', { id: event.messageId });
    if (message === null || message.senderId === event.userId) return;
    const conversation = await deps.store.call('conversation.get', { id: message.conversationId });
    if (conversation === null || !conversation.participants.some((p) => p.userId === event.userId)) return;
    const key =
      event.userId === deps.self.userId
        ? deps.self.signingPublicKey
        : (await deps.contacts.signingKeyFor(event.userId))?.pinned;
    const input = {
      messageId: event.messageId,
      userId: event.userId,
      acknowledgedAt: event.acknowledgedAt,
      reply: event.reply,
    };
    if (key === undefined || !(await verifyAcknowledgement(input, event.signature, key))) {
      deps.onRejected('ACKNOWLEDGEMENT_REJECTED');
      return;
    }
    await deps.store.call('acknowledgement.record', {
      messageId: event.messageId,
      userId: event.userId,
      reply: event.reply,
      at: event.acceptedAt,
    });
    deps.onThreadChanged(message.conversationId);
    deps.onListChanged();
  }

  /**
   * The server says a STAT message's plan acted: a step was released (its people are read from
   * the signed plan: a step the plan does not have is refused) or those reached are re-alerted.
   * A re-alert of a message still waiting on this clinician raises a notice.
   */
  async function onEscalation(event: Extract<FeedEvent, { type: 'escalation' }>): Promise<void> {
    const message = await deps.store.call('message.find', { id: event.messageId });
    if (message === null) return;
    if (
      message.escalation === null ||
      (event.step !== null && message.escalation.plan.steps[event.step] === undefined)
    ) {
      deps.onRejected('ESCALATION_REJECTED');
      return;
    }
    await deps.store.call('escalation.record', { messageId: event.messageId, step: event.step, at: event.at });
    deps.onThreadChanged(message.conversationId);
    const waitsOnMe =
      message.direction === 'in' &&
      message.body !== null &&
      message.acknowledgements.length === 0 &&
      event.step === null;
    if (waitsOnMe) deps.onAwaitingAcknowledgement?.(await deps.store.call('message.awaitingAcknowledgement', {}));
  }

  /** The vault's cursor, read once: only this receiver moves it, and only after the vault has it. */
  let stored: number | null = null;
  async function cursor(): Promise<number> {
    stored ??= Number((await deps.store.call('setting.get', { key: FEED_CURSOR_SETTING })) ?? '0');
    return stored;
  }

  return {
    async handle(event) {
      switch (event.type) {
        case 'envelope':
          await onEnvelope(event.envelope, event.acceptedAt);
          break;
        case 'receipt': {
          const { conversationId } = await deps.store.call('receipt.record', {
            messageId: event.messageId,
            userId: event.userId,
            kind: event.kind,
            at: event.at,
          });
          if (conversationId !== null) deps.onThreadChanged(conversationId);
          break;
        }
        case 'recall':
          await onRecall(event);
          break;
        case 'acknowledgement':
          await onAcknowledgement(event);
          break;
        case 'escalation':
          await onEscalation(event);
          break;
      }
      if (event.seq > (await cursor())) {
        await deps.store.call('setting.set', { key: FEED_CURSOR_SETTING, value: String(event.seq) });
        stored = event.seq;
      }
    },
    ingest: (envelope, acceptedAt) => onEnvelope(envelope, acceptedAt, false),
    cursor,
  };
}
