/**
 * Handles the feed a page of events at a time and stores their effect before the cursor moves
 * past them: envelopes are verified against the sender's pinned key, opened and stored (once,
 * however often they arrive); receipts update delivery state; recalls, acknowledgements and
 * escalations change messages already stored (message-updates.ts). An event that fails
 * verification is dropped, never shown, and does not block the events after it.
 *
 * What a sender says about a conversation is not taken on trust where it would name someone:
 * participants are stored by their directory names, a role address by the directory's name for
 * its id (none if the directory does not know it), and the kind follows from those facts. The
 * sender's title is kept as the subject, which views never show in the place of a name.
 *
 * Nor is the sender's clock: a message is stored, ordered and shown at the server's acceptance
 * time (`acceptedAt`), a recall at the server's time of the recall. The sender's signed times stay
 * in the stored envelope, where the signature covers them (shared/protocol/clock-skew.ts).
 *
 * A run of envelopes and receipts is stored in one vault transaction with the cursor after it
 * (store/ops/feed-ops.ts): the envelopes are opened and checked first (`prepare`, which may run
 * while the page before is being stored), the page planned from
 * what the vault holds (one read), the arrivals recorded on the audit trail together, then the
 * page stored. Recalls, acknowledgements and escalations, rare and each needing what came
 * before them, are handled one at a time between runs.
 */
import type { FeedEvent } from '../../shared/protocol/feed';
import type { Envelope, MessageBody, Priority } from '../../shared/protocol/envelope';
import { openEnvelope, type EnvelopeReader } from '../../shared/node/crypto/envelope-open';
import type { ConversationRecord } from '../store/ops/conversation-ops';
import type { ContactKeys } from './contact-keys';
import type { RoleDirectory } from './role-directory';
import { displayTextOrNull } from '../../shared/text/display-text';
import { asksForAcknowledgement } from '../../shared/protocol/acknowledgement';
import { plannedParticipants, type PlannedMessage } from './escalation-standby';
import { readerThumbnails } from '../attachments/attachment-previews';
import { attachmentRecordOf } from '../attachments/attachment-record';
import type { AttachmentRecord } from '../store/ops/attachment-ops';
import type { AttachmentRef } from '../../shared/protocol/attachment';
import { sealedHeaderMismatch } from './sealed-header-checks';
import { FEED_CURSOR_SETTING, type PageItem, type StoredThread } from '../store/ops/feed-ops';
import { admission } from './thread-admission';
import { createMessageUpdates, type MessageUpdate, type MessageUpdateDeps } from './message-updates';

export interface Self {
  readonly userId: string;
  readonly signingPublicKey: string;
  readonly encryption: EnvelopeReader['encryption'];
}

export interface FeedReceiverDeps extends MessageUpdateDeps {
  readonly contacts: ContactKeys;
  /** Names role addresses: the directory's name for an id, never the sender's. */
  readonly roles: Pick<RoleDirectory, 'lookup'>;
  readonly self: Self;
  readonly now: () => number;
  /** A message from someone else is stored: acknowledge delivery. */
  readonly onDelivered: (messageId: string) => void;
  /** A new incoming message was stored: who sent it (a display name), for a PHI-free notification. */
  readonly onIncoming?: (senderName: string | null, priority: Priority) => void;
  /** Re-encodes a sender's preview as a thumbnail here (image-sanitizer.ts); without it, previews are ignored. */
  readonly thumbnail?: (bytes: Uint8Array) => Promise<Uint8Array | null>;
  /**
   * A new incoming message is about to be stored (ids only, for the audit trail). Awaited first:
   * if it rejects, nothing is stored and the event is not acknowledged, so it comes again.
   * `patient`: the reference of the patient the conversation is about, as this vault holds it.
   */
  readonly onReceived?: (message: { id: string; conversationId: string; patient: string | null }) => Promise<void>;
}

type Opened = { readonly envelope: Envelope; readonly body: MessageBody; readonly acceptedAt: number };
type Receipt = Extract<FeedEvent, { type: 'receipt' }>;
/** An event with its envelope verified and opened: what can be done before the events before it are stored. */
export type PreparedEvent =
  { readonly type: 'envelope'; readonly seq: number; readonly opened: Opened | null } | Receipt | MessageUpdate;

export interface FeedReceiver {
  /** Verifies and opens an envelope: needs nothing stored before it, so runs ahead. One at a time, in order. */
  prepare(event: FeedEvent): Promise<PreparedEvent>;
  /** Stores a page of prepared events in order; rejects if its effect could not be stored (it comes again). */
  handle(page: readonly PreparedEvent[]): Promise<void>;
  /** Verifies, opens and stores an envelope fetched outside the feed (history); the cursor stays. */
  ingest(envelope: Envelope, acceptedAt: number): Promise<void>;
  cursor(): Promise<number>;
  /**
   * A lock or sign-out: envelopes queued for preparation are not opened any more (their
   * preparation rejects, so no page holding them is stored; they come again at the next start).
   */
  close(): void;
}

export function createFeedReceiver(deps: FeedReceiverDeps): FeedReceiver {
  const reader: EnvelopeReader = { recipient: deps.self.userId, encryption: deps.self.encryption };

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

  /** Verified and opened, or null (dropped, with its code for the log). */
  async function opened(arrival: { envelope: Envelope; acceptedAt: number }): Promise<Opened | null> {
    const header = arrival.envelope.header;
    if (header.expiresAt !== null && header.expiresAt <= deps.now()) return null;
    const body = await open(arrival.envelope);
    if (body === null) {
      deps.onRejected('ENVELOPE_REJECTED');
      return null;
    }
    // The sealed details must agree with what the signed header says of the same things.
    const mismatch = sealedHeaderMismatch(header, body);
    if (mismatch !== null) {
      deps.onRejected(mismatch);
      return null;
    }
    return { envelope: arrival.envelope, body, acceptedAt: arrival.acceptedAt };
  }

  /** A conversation as the page goes: what the vault held before it, changed by the page's own messages. */
  interface PlannedThread {
    members: Set<string>;
    readonly patientRef: string | null;
    readonly plans: PlannedMessage[];
  }
  const plannedThread = (thread: StoredThread): PlannedThread => ({
    members: new Set(thread.members),
    patientRef: thread.patientRef,
    plans: [...(thread.plans ?? [])],
  });

  /**
   * Stores a run of envelopes and receipts in one transaction, the cursor moved to `cursor`
   * (null: it stays). `live`: it came on the feed. One fetched from history (scrolling back,
   * perhaps to a message local retention removed) is stored and recorded the same, but raises no
   * notice: it is old news.
   */
  async function storeRun(run: readonly (Opened | Receipt)[], cursor: number | null, live: boolean): Promise<void> {
    const messages = run.filter((item): item is Opened => !('type' in item));
    const stored = await deps.store.call('feed.threads', {
      conversationIds: messages.map((m) => m.envelope.header.conversationId),
      messageIds: messages.map((m) => m.envelope.header.id),
      plansFor: messages
        .filter((m) => (m.body.conversation.standby ?? []).length > 0)
        .map((m) => m.envelope.header.conversationId),
    });
    const threads = new Map(stored.threads.map((thread) => [thread.id, plannedThread(thread)]));
    const known = new Set(stored.known);

    const items: PageItem[] = [];
    const arrivals: { id: string; conversationId: string; patient: string | null }[] = [];
    const notices: {
      direction: 'in' | 'out';
      header: Envelope['header'];
      hasAttachments: boolean;
      sender: string | null;
    }[] = [];
    for (const item of run) {
      if ('type' in item) {
        items.push({ type: 'receipt', messageId: item.messageId, userId: item.userId, kind: item.kind, at: item.at });
        continue;
      }
      const { envelope, body, acceptedAt } = item;
      const header = envelope.header;
      const thread = threads.get(header.conversationId) ?? null;
      const claim = { members: body.conversation.participants, standby: body.conversation.standby ?? [] };
      const refused = admission(
        thread === null ? null : { members: [...thread.members], planned: () => plannedParticipants(thread.plans) },
        claim,
      );
      if (refused !== null) {
        deps.onRejected(refused);
        continue;
      }
      const conversation = await conversationOf(envelope, body, thread === null, acceptedAt);
      const after = thread ?? { members: new Set<string>(), patientRef: conversation.patient?.ref ?? null, plans: [] };
      for (const p of conversation.participants) after.members.add(p.userId);
      if (header.escalation !== undefined)
        after.plans.push({ senderId: header.sender.userId, plan: header.escalation, releasedSteps: [] });
      threads.set(header.conversationId, after);

      const direction = header.sender.userId === deps.self.userId ? 'out' : 'in';
      if (direction === 'in' && !known.has(header.id))
        arrivals.push({ id: header.id, conversationId: header.conversationId, patient: after.patientRef });
      known.add(header.id);
      items.push({
        type: 'message',
        conversation,
        claim,
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
      notices.push({
        direction,
        header,
        hasAttachments: body.attachments !== undefined,
        sender: conversation.participants.find((p) => p.userId === header.sender.userId)?.displayName ?? null,
      });
    }
    if (items.length === 0 && cursor === null) return;

    // Recorded before they are stored: once stored a message is no longer new, so a record that
    // failed after the store would never be written. A store that fails after the records only
    // means they are written again when the events come again. Made together, they go into the
    // trail's log in one transaction (audit/device-audit-log.ts).
    const record = deps.onReceived;
    if (record !== undefined) await Promise.all(arrivals.map((arrival) => record(arrival)));
    const outcomes = await deps.store.call('feed.storePage', { items, cursor });
    if (cursor !== null) storedCursor = Math.max(storedCursor ?? 0, cursor);

    const changed = new Set<string>();
    let listChanged = false;
    let withAttachments = false;
    let notice = 0;
    for (const outcome of outcomes) {
      if (outcome.type === 'receipt') {
        if (outcome.conversationId !== null) changed.add(outcome.conversationId);
        continue;
      }
      const { direction, header, hasAttachments, sender } = notices[notice++] as (typeof notices)[number];
      // Refused here only if the vault changed since the page was planned (a conversation
      // started meanwhile under the same id): its arrival was recorded, but it is not stored.
      if (outcome.outcome !== 'stored' && outcome.outcome !== 'duplicate') {
        deps.onRejected(outcome.outcome);
        continue;
      }
      // The delivery receipt goes only after the record above: the sender learns of it once it is in the trail.
      if (direction === 'in') deps.onDelivered(header.id);
      if (outcome.outcome !== 'stored') continue;
      withAttachments ||= hasAttachments;
      changed.add(header.conversationId);
      listChanged = true;
      if (direction === 'in' && live) deps.onIncoming?.(displayTextOrNull(sender, 200), header.priority);
    }
    if (withAttachments) deps.onAttachments?.();
    for (const conversationId of changed) deps.onThreadChanged(conversationId);
    if (listChanged) deps.onListChanged();
  }

  /** The body's attachments to store, each image with its preview re-encoded here as its thumbnail. */
  async function attachmentRecordsOf(refs: readonly AttachmentRef[]): Promise<AttachmentRecord[]> {
    const thumbnails =
      deps.thumbnail === undefined ? new Map<string, Uint8Array>() : await readerThumbnails(refs, deps.thumbnail);
    return refs.map((ref) => attachmentRecordOf(ref, thumbnails.get(ref.blobId) ?? null));
  }

  /** The vault's cursor, read once: only this receiver moves it, and only after the vault has it. */
  let storedCursor: number | null = null;
  async function cursor(): Promise<number> {
    storedCursor ??= Number((await deps.store.call('setting.get', { key: FEED_CURSOR_SETTING })) ?? '0');
    return storedCursor;
  }

  const update = createMessageUpdates(deps);
  let preparing: Promise<void> = Promise.resolve();
  let closed = false;
  async function handleOne(event: MessageUpdate): Promise<void> {
    await update(event);
    if (event.seq > (await cursor())) {
      await deps.store.call('setting.set', { key: FEED_CURSOR_SETTING, value: String(event.seq) });
      storedCursor = event.seq;
    }
  }

  return {
    prepare(event) {
      if (event.type !== 'envelope') return Promise.resolve(event);
      // In order, one at a time: the first envelope from a new sender asks the directory once.
      const prepared = preparing.then(async () => {
        if (closed) throw new Error('FEED_RECEIVER_CLOSED');
        return { type: 'envelope' as const, seq: event.seq, opened: await opened(event) };
      });
      preparing = prepared.then(
        () => undefined,
        () => undefined,
      );
      return prepared;
    },
    async handle(page) {
      let run: (Opened | Receipt)[] = [];
      let last: number | null = null;
      const flush = async () => {
        if (last !== null) await storeRun(run, last, true);
        run = [];
        last = null;
      };
      for (const event of page) {
        if (event.type === 'envelope' || event.type === 'receipt') {
          // One that failed to open still moves the cursor past it: it never opens.
          const item = event.type === 'receipt' ? event : event.opened;
          if (item !== null) run.push(item);
          last = event.seq;
        } else {
          await flush();
          await handleOne(event);
        }
      }
      await flush();
    },
    async ingest(envelope, acceptedAt) {
      const message = await opened({ envelope, acceptedAt });
      if (message !== null) await storeRun([message], null, false);
    },
    cursor,
    close() {
      closed = true;
    },
  };
}
