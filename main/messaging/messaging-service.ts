/**
 * One signed-in clinician's messaging: compose and seal, the outbox, the live feed, receipts,
 * recall, expiry and the views the renderer asks for. Everything it stores goes to the
 * clinician's vault; everything it sends is sealed first. The renderer only ever gets views
 * (`MessageView`, `ConversationSummary`) and change notices without content.
 */
import { randomUUID } from 'node:crypto';
import { appError, type ErrorCode } from '../../shared/errors';
import type { ConnectionState, SendRequest, Thread, MessageView, ConversationSummary } from '../../shared/ipc/contract';
import { receivesMessages, type Role } from '../../shared/access/permission-matrix';
import type { DirectoryEntry, DirectoryRole } from '../../shared/protocol/api';
import { envelope as envelopeSchema, type EnvelopeHeader, type MessageBody } from '../../shared/protocol/envelope';
import { openEnvelope } from '../crypto/envelope-open';
import { sealEnvelope, SealError } from '../crypto/envelope-seal';
import { signRecall } from '../crypto/recall-signature';
import type { IdentityKeyPairs } from '../crypto/identity-keys';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import { createFeedStream, type SessionEndReason, type StreamState } from '../server-link/feed-stream';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import type { StoreClient } from '../store/store-client';
import { StoreError } from '../store/store-error';
import type { ConversationRecord, ParticipantRecord } from '../store/ops/conversation-ops';
import { createContactKeys } from './contact-keys';
import { createFeedReceiver } from './feed-receiver';
import { toConversationSummary, toDirectoryEntryView, toMessageView, toThreadConversation } from './message-view';
import { createRoleDirectory } from './role-directory';
import { createOutboxSender } from './outbox-sender';
import { createReceiptQueue } from './receipt-queue';
import type { ActorAudit } from '../audit/audit-trail';
import { AuditError } from '../audit/device-audit-log';

type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ReturnType<typeof appError> };
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const failWith = (code: ErrorCode): Outcome<never> => ({ ok: false, error: appError(code) });

export interface SelfAccount {
  readonly userId: string;
  readonly displayName: string;
  readonly role: Role;
  readonly department: string;
  readonly title: string;
}

export interface MessagingDeps {
  readonly api: ApiClient;
  readonly endpoint: ServerEndpoint;
  readonly store: StoreClient;
  readonly token: () => string | null;
  readonly identity: IdentityKeyPairs;
  readonly self: SelfAccount;
  readonly deviceId: string;
  readonly now: () => number;
  readonly onConnection: (state: ConnectionState) => void;
  readonly onListChanged: () => void;
  readonly onThreadChanged: (conversationId: string) => void;
  /** A new incoming message was stored (the sender's display name only). */
  readonly onIncoming?: (senderName: string | null) => void;
  readonly onSessionEnded: (reason: SessionEndReason) => void;
  /** PHI-free codes only. */
  readonly onRejected: (reason: string) => void;
  /**
   * Records what the clinician does and receives. Awaited before an action is reported done;
   * a view or a send that cannot be recorded is refused (AUDIT_UNAVAILABLE).
   */
  readonly audit: ActorAudit;
  /**
   * How far back a workstation's first sync reaches; older messages come from the server's
   * history when a conversation is scrolled back. Default 30 days.
   */
  readonly initialSyncWindowMs?: number;
}

const THREAD_PAGE = 100;
const INITIAL_SYNC_WINDOW_MS = 30 * 24 * 3600_000;
const EXPIRY_SWEEP_MS = 15_000;
const OUTBOX_RETRY_MS = 5_000;

/**
 * Whether older messages may exist elsewhere: this workstation's oldest message is later than
 * the conversation's first (it was joined here after it began). A conversation started here, or
 * first seen with its first message, has nothing older.
 */
function startsAfterCreation(createdAt: number, messages: readonly { sentAt: number }[]): boolean {
  const oldest = messages[0];
  return oldest !== undefined && oldest.sentAt > createdAt;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return null;
  }
}

export function createMessagingService(deps: MessagingDeps) {
  const { store, api, self } = deps;
  const contacts = createContactKeys({ api, store, token: deps.token, now: deps.now });
  const receipts = createReceiptQueue({ api, token: deps.token });
  const roles = createRoleDirectory({ api, token: deps.token });
  const historyDone = new Set<string>();
  let connection: StreamState = 'connecting';
  let sweeper: NodeJS.Timeout | null = null;
  let retry: NodeJS.Timeout | null = null;
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  /**
   * Work nobody awaits (outbox drains, sweeps) can meet a vault closed by sign-out or a full
   * disk; it is retried later, and its failure is logged by code, never left unhandled.
   */
  const background = (work: Promise<unknown>) =>
    void work.catch((error: unknown) =>
      deps.onRejected(error instanceof StoreError ? error.code : 'BACKGROUND_FAILED'),
    );
  /**
   * Records an action the clinician asked for; if it cannot be recorded the action is not done,
   * and this is the code to say why (a full disk is said as such: nothing was lost).
   */
  const refusalOf = (error: unknown): ErrorCode =>
    error instanceof AuditError && error.code === 'AUDIT_DISK_FULL' ? 'DISK_FULL' : 'AUDIT_UNAVAILABLE';
  const auditRefusal = (event: Parameters<ActorAudit>[0]): Promise<ErrorCode | null> =>
    deps.audit(event).then(() => null, refusalOf);
  /** The first refusal among records written together (one group commit), or null. */
  const auditRefusals = async (events: readonly Parameters<ActorAudit>[0][]): Promise<ErrorCode | null> =>
    (await Promise.all(events.map(auditRefusal))).find((code) => code !== null) ?? null;
  /**
   * For what happens whether or not it can be recorded (a body expiring, a key-change warning
   * shown): awaited, so it is durable before the effect is reported; a failure is logged by code.
   */
  const noted = (event: Parameters<ActorAudit>[0]): Promise<void> =>
    deps
      .audit(event)
      .catch((error: unknown) => deps.onRejected(error instanceof AuditError ? error.code : 'AUDIT_UNAVAILABLE'));

  const outbox = createOutboxSender({
    api,
    store,
    token: deps.token,
    now: deps.now,
    onChanged: (conversationId) => {
      deps.onThreadChanged(conversationId);
      deps.onListChanged();
    },
    onUnreachable: () => stream.nudge(),
    async onKeyMismatch(envelope) {
      const refreshed = await contacts.refresh(envelope.header.recipients);
      return refreshed.ok && refreshed.changed.length > 0 ? 'held' : 'retry';
    },
  });

  const ownReader = { recipient: self.userId, encryption: deps.identity.encryption };
  const ownSigningKey = b64(deps.identity.signing.publicKey);

  /** Recipients' keys as pinned, plus the sender's own copy: what every envelope is sealed to. */
  const sealedTo = (recipients: readonly string[], keyOf: (userId: string) => string) => [
    ...recipients.map((id) => ({ recipient: id, encryptionKey: keyOf(id) })),
    { recipient: self.userId, encryptionKey: b64(deps.identity.encryption.publicKey) },
  ];

  /**
   * Held messages whose recipients' keys are all accepted now are sealed again to those keys,
   * unchanged otherwise (same id, time and text, read back from the sender's own sealed copy),
   * and go out in their original order.
   */
  async function resealHeld(): Promise<void> {
    const held = await store.call('outbox.list', { limit: 1000, held: true });
    for (const entry of held) {
      const checked = envelopeSchema.safeParse(parseJson(entry.envelope));
      if (!checked.success) continue;
      const { header } = checked.data;
      const keys = await contacts.keysForSending(header.recipients, { details: false });
      if (!keys.ok) continue;
      const own = await openEnvelope(checked.data, ownReader, ownSigningKey);
      if (!own.ok) {
        // Our own sealed copy no longer opens (a damaged outbox row): it stays held, and IT hears of it.
        deps.onRejected('HELD_MESSAGE_UNREADABLE');
        continue;
      }
      const resealed = await sealEnvelope({
        header,
        body: own.body,
        recipientKeys: sealedTo(header.recipients, (id) => keys.users.get(id)?.encryptionKey ?? ''),
        signingKey: deps.identity.signing.privateKey,
      });
      await store.call('outbox.reseal', { id: entry.id, envelope: new TextEncoder().encode(JSON.stringify(resealed)) });
      deps.onThreadChanged(entry.conversationId);
    }
    background(outbox.drainNow());
  }

  const receiver = createFeedReceiver({
    store,
    contacts,
    roles,
    self: {
      userId: self.userId,
      signingPublicKey: b64(deps.identity.signing.publicKey),
      encryption: deps.identity.encryption,
    },
    now: deps.now,
    onThreadChanged: deps.onThreadChanged,
    onListChanged: deps.onListChanged,
    onDelivered: (messageId) => receipts.add(messageId, 'delivered'),
    onReceived: (message) =>
      deps.audit({
        action: 'message.received',
        object: { kind: 'message', id: message.id, conversationId: message.conversationId },
        patient: message.patient,
      }),
    ...(deps.onIncoming ? { onIncoming: deps.onIncoming } : {}),
    onRejected: deps.onRejected,
  });

  const stream = createFeedStream({
    endpoint: deps.endpoint,
    token: deps.token,
    cursor: () => receiver.cursor(),
    since: () => deps.now() - (deps.initialSyncWindowMs ?? INITIAL_SYNC_WINDOW_MS),
    onEvent: (event) => receiver.handle(event),
    onState: (state) => {
      connection = state;
      deps.onConnection({ state });
      if (state === 'online') {
        background(outbox.drainNow());
        background(receipts.flush());
      }
    },
    onSessionEnded: deps.onSessionEnded,
  });

  /** The patient reference of each conversation named, for the records about its messages. */
  async function patientsOf(conversationIds: Iterable<string>): Promise<Map<string, string | null>> {
    const patients = new Map<string, string | null>();
    for (const id of new Set(conversationIds))
      patients.set(id, (await store.call('conversation.get', { id }))?.patient?.ref ?? null);
    return patients;
  }

  async function sweepExpired() {
    // Listed, recorded, then removed: the trail has each expiry before the text is gone. Expiry
    // is protective, so a record that cannot be written is logged by code and the text goes anyway.
    const now = deps.now();
    const due = await store.call('message.dueToExpire', { now });
    if (due.length === 0) return;
    const patients = await patientsOf(due.map((message) => message.conversationId));
    await Promise.all(
      due.map((message) =>
        noted({
          action: 'message.expired',
          object: { kind: 'message', id: message.id, conversationId: message.conversationId },
          patient: patients.get(message.conversationId) ?? null,
        }),
      ),
    );
    const expired = await store.call('message.expire', { ids: due.map((message) => message.id), now });
    const touched = new Set(expired.map((message) => message.conversationId));
    for (const id of touched) deps.onThreadChanged(id);
    if (touched.size > 0) deps.onListChanged();
  }

  /**
   * Stored role conversations take the directory's current name for their address (or none, if it
   * no longer knows it): a rename reaches them, and no name from before this rule outlives it.
   */
  async function renameRoleAddresses(): Promise<void> {
    let changed = false;
    for (const addressId of await store.call('conversation.roleAddressIds', {})) {
      const entry = await roles.lookup(addressId);
      if (entry === undefined) continue;
      if (await store.call('conversation.nameRoleAddress', { addressId, name: entry?.displayName ?? null }))
        changed = true;
    }
    if (changed) deps.onListChanged();
  }

  function selfParticipant(): ParticipantRecord {
    return {
      userId: self.userId,
      displayName: self.displayName,
      role: self.role,
      department: self.department,
      title: self.title,
    };
  }

  /** Who a new message goes to, and the conversation it starts or continues. */
  async function resolve(
    request: SendRequest,
  ): Promise<Outcome<{ conversation: ConversationRecord; recipients: string[]; isNew: boolean }>> {
    if ('conversationId' in request) {
      const conversation = await store.call('conversation.get', { id: request.conversationId });
      if (conversation === null) return failWith('NOT_FOUND');
      const recipients = conversation.participants.map((p) => p.userId).filter((id) => id !== self.userId);
      if (recipients.length === 0) return failWith('BAD_REQUEST');
      return ok({ conversation, recipients, isNew: false });
    }
    const userIds = new Set<string>();
    let role: DirectoryRole | null = null;
    for (const to of request.to) {
      if (to.kind === 'user') userIds.add(to.userId);
      else {
        // Role addresses are resolved to their members now, at sending time.
        const entry = roles.cached(to.addressId);
        if (entry === undefined) return failWith('RECIPIENT_UNAVAILABLE');
        role = entry;
        // A member whose role receives no messages (shared/access/permission-matrix.ts) is not addressed.
        for (const member of entry.members)
          if (member.active && receivesMessages(member.role)) userIds.add(member.userId);
      }
    }
    userIds.delete(self.userId);
    const recipients = [...userIds];
    if (recipients.length === 0) return failWith('RECIPIENT_UNAVAILABLE');
    // A message to one role address is a role conversation; a role among others is a group.
    const onlyRole: DirectoryRole | null = request.to.length === 1 ? role : null;
    const conversation: ConversationRecord = {
      id: randomUUID(),
      kind: onlyRole ? 'role' : recipients.length === 1 ? 'direct' : 'group',
      title: request.title,
      roleAddressId: onlyRole?.addressId ?? null,
      roleAddressName: onlyRole?.displayName ?? null,
      createdAt: deps.now(),
      patient: request.patient,
      participants: [],
    };
    return ok({ conversation, recipients, isNew: true });
  }

  const service = {
    start() {
      stream.start();
      background(sweepExpired());
      background(renameRoleAddresses());
      sweeper = setInterval(() => background(sweepExpired()), EXPIRY_SWEEP_MS);
      sweeper.unref();
      retry = setInterval(() => background(outbox.drain()), OUTBOX_RETRY_MS);
      retry.unref();
    },

    async stop() {
      if (sweeper) clearInterval(sweeper);
      if (retry) clearInterval(retry);
      sweeper = retry = null;
      await stream.stop();
    },

    connectionState: (): ConnectionState => ({ state: connection }),

    /** The feed position stored in the vault: where a locked session's watch resumes. */
    cursor: () => receiver.cursor(),

    /** Incoming messages not yet read, over all conversations: the taskbar badge. */
    unreadCount: () => store.call('message.unreadCount', {}),

    async searchDirectory(query: string): Promise<Outcome<{ entries: DirectoryEntry[] }>> {
      const result = await api.call('searchDirectory', { query, limit: 20 }, deps.token());
      if (!result.ok) return failWith(appCodeOf(result.error.code));
      // The result count only: the query can be a patient's name.
      const refused = await auditRefusal({
        action: 'search.performed',
        object: { kind: 'search', resultCount: result.value.entries.length },
      });
      if (refused !== null) return failWith(refused);
      roles.remember(result.value.entries);
      return ok({ entries: result.value.entries.map(toDirectoryEntryView) });
    },

    async listConversations(
      offset: number,
      limit: number,
    ): Promise<Outcome<{ items: ConversationSummary[]; total: number }>> {
      const page = await store.call('conversation.page', { selfId: self.userId, offset, limit });
      return ok({ items: page.rows.map(toConversationSummary), total: page.total });
    },

    async send(request: SendRequest): Promise<Outcome<{ conversationId: string; messageId: string }>> {
      const resolved = await resolve(request);
      if (!resolved.ok) return resolved;
      const { conversation, recipients, isNew } = resolved.value;
      // A reply in a known conversation needs no directory details, only the pinned keys.
      const keys = await contacts.keysForSending(recipients, { details: isNew });
      if (!keys.ok) {
        if (keys.error === 'API') return failWith(appCodeOf(keys.api.code));
        if (keys.error === 'KEY_CHANGED')
          await Promise.all(
            keys.userIds.map((userId) =>
              noted({ action: 'key-change.shown', object: { kind: 'account', id: userId } }),
            ),
          );
        return { ok: false, error: appError(keys.error, keys.userIds) };
      }
      const known = new Map(conversation.participants.map((p) => [p.userId, p]));
      const participants: ParticipantRecord[] = [
        selfParticipant(),
        ...recipients.map((id): ParticipantRecord => {
          const user = keys.users.get(id)?.user;
          if (!user) return known.get(id) ?? { userId: id, displayName: id, role: null, department: null, title: null };
          return {
            userId: id,
            displayName: user.displayName,
            role: user.role,
            department: user.department,
            title: user.title,
          };
        }),
      ];
      // A new conversation begins with this message: same instant, so nothing is "earlier".
      const sentAt = isNew ? conversation.createdAt : deps.now();
      const header: EnvelopeHeader = {
        v: 1,
        id: randomUUID(),
        conversationId: conversation.id,
        sender: { userId: self.userId, deviceId: deps.deviceId },
        recipients,
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
          participants: participants.map((p) => p.userId),
          roleAddress:
            conversation.roleAddressId !== null && conversation.roleAddressName !== null
              ? { id: conversation.roleAddressId, displayName: conversation.roleAddressName }
              : null,
          startedAt: conversation.createdAt,
          patient: conversation.patient,
        },
      };
      let sealed;
      try {
        sealed = await sealEnvelope({
          header,
          body,
          recipientKeys: sealedTo(recipients, (id) => keys.users.get(id)?.encryptionKey ?? ''),
          signingKey: deps.identity.signing.privateKey,
        });
      } catch (error) {
        return failWith(
          error instanceof SealError && error.code === 'BODY_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL',
        );
      }
      const refused = await auditRefusal({
        action: 'message.sent',
        object: { kind: 'message', id: header.id, conversationId: conversation.id },
        patient: conversation.patient?.ref ?? null,
      });
      if (refused !== null) return failWith(refused);
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
        },
        envelope: new TextEncoder().encode(JSON.stringify(sealed)),
      });
      deps.onThreadChanged(conversation.id);
      deps.onListChanged();
      background(outbox.drain());
      return ok({ conversationId: conversation.id, messageId: header.id });
    },

    async openConversation(conversationId: string): Promise<Outcome<Thread>> {
      const conversation = await store.call('conversation.get', { id: conversationId });
      if (conversation === null) return failWith('NOT_FOUND');
      const patient = conversation.patient?.ref ?? null;
      const refused = await auditRefusal({
        action: 'conversation.opened',
        object: { kind: 'conversation', id: conversationId },
        patient,
      });
      if (refused !== null) return failWith(refused);
      await sweepExpired();
      // Reading is an access: recorded before the messages are marked read, a read receipt goes or
      // the thread is shown. An unrecordable read shows nothing and leaves them unread.
      const unread = await store.call('conversation.unread', { conversationId });
      const unrecorded = await auditRefusals(
        unread.map((id) => ({
          action: 'message.read' as const,
          object: { kind: 'message' as const, id, conversationId },
          patient,
        })),
      );
      if (unrecorded !== null) return failWith(unrecorded);
      const newlyRead = await store.call('conversation.markRead', { conversationId, ids: unread, at: deps.now() });
      for (const id of newlyRead) receipts.add(id, 'read');
      if (newlyRead.length > 0) deps.onListChanged();
      const messages = await store.call('message.thread', { conversationId, before: null, limit: THREAD_PAGE });
      const names = new Map(conversation.participants.map((p) => [p.userId, p.displayName]));
      const keyChanged = new Set<string>();
      for (const p of conversation.participants)
        if (p.userId !== self.userId && (await contacts.hasPendingChange(p.userId))) keyChanged.add(p.userId);
      await Promise.all(
        [...keyChanged].map((userId) => noted({ action: 'key-change.shown', object: { kind: 'account', id: userId } })),
      );
      const now = deps.now();
      return ok({
        conversation: toThreadConversation(conversation, self.userId, keyChanged),
        messages: messages.map((m) => toMessageView(m, names.get(m.senderId) ?? m.senderId, now)),
        more:
          messages.length === THREAD_PAGE ||
          (!historyDone.has(conversationId) && startsAfterCreation(conversation.createdAt, messages)),
      });
    },

    /** Older messages: from the vault, else from the server's history (decrypted and stored here). */
    async loadOlder(
      conversationId: string,
      before: number,
    ): Promise<Outcome<{ messages: MessageView[]; more: boolean }>> {
      const conversation = await store.call('conversation.get', { id: conversationId });
      if (conversation === null) return failWith('NOT_FOUND');
      let local = await store.call('message.thread', { conversationId, before, limit: THREAD_PAGE });
      let more = local.length === THREAD_PAGE;
      if (local.length < THREAD_PAGE && !historyDone.has(conversationId)) {
        const history = await api.call('history', { conversationId, before, limit: THREAD_PAGE }, deps.token());
        if (!history.ok) return failWith(appCodeOf(history.error.code));
        try {
          for (const stored of history.value.envelopes) {
            if (stored.recalledAt !== null) continue;
            await receiver.ingest(stored.envelope, stored.acceptedAt);
          }
        } catch (error) {
          // A message that cannot be recorded as received is not stored, nor shown.
          if (error instanceof AuditError) return failWith(refusalOf(error));
          throw error;
        }
        if (!history.value.more) historyDone.add(conversationId);
        local = await store.call('message.thread', { conversationId, before, limit: THREAD_PAGE });
        more = history.value.more || local.length === THREAD_PAGE;
      }
      const names = new Map(conversation.participants.map((p) => [p.userId, p.displayName]));
      const now = deps.now();
      return ok({ messages: local.map((m) => toMessageView(m, names.get(m.senderId) ?? m.senderId, now)), more });
    },

    async recall(messageId: string): Promise<Outcome<Record<string, never>>> {
      const message = await store.call('message.find', { id: messageId });
      if (message === null) return failWith('NOT_FOUND');
      if (message.senderId !== self.userId || message.recalledAt !== null) return failWith('RECALL_NOT_ALLOWED');
      const recalledAt = deps.now();
      const object = { kind: 'message' as const, id: messageId, conversationId: message.conversationId };
      const patient = (await patientsOf([message.conversationId])).get(message.conversationId) ?? null;
      // Recorded before anything is recalled: the server's recall cannot be undone, so recording
      // after its yes could leave a recall done but unrecorded with no way left to refuse it.
      // One that cannot be recorded is not attempted; one that then fails is followed by a
      // failure record with its code, so the trail shows the attempt and its outcome.
      const refused = await auditRefusal({ action: 'message.recalled', object, patient });
      if (refused !== null) return failWith(refused);
      if (message.sendState === 'pending') {
        // Never left this workstation: recalling it is removing it from the outbox.
        await store.call('outbox.rejected', { id: messageId });
      } else {
        const signature = await signRecall(
          { messageId, senderId: self.userId, recalledAt },
          deps.identity.signing.privateKey,
        );
        const result = await api.call('recall', { messageId, recalledAt, signature }, deps.token());
        if (!result.ok) {
          const code = result.error.code === 'FORBIDDEN' ? 'RECALL_NOT_ALLOWED' : appCodeOf(result.error.code);
          await noted({ action: 'message.recalled', object, patient, outcome: 'failure', reason: code });
          return failWith(code);
        }
      }
      await store.call('message.recall', { id: messageId, recalledAt });
      deps.onThreadChanged(message.conversationId);
      deps.onListChanged();
      return ok({});
    },

    async acceptKeyChange(userId: string): Promise<Outcome<Record<string, never>>> {
      const object = { kind: 'account' as const, id: userId };
      const notFound = async () => {
        await noted({ action: 'key-change.accepted', object, outcome: 'failure', reason: 'NOT_FOUND' });
        return failWith('NOT_FOUND');
      };
      if (!(await contacts.hasPendingChange(userId))) return notFound();
      // Recorded before the new key is trusted: from then on messages are sealed to it.
      const refused = await auditRefusal({ action: 'key-change.accepted', object });
      if (refused !== null) return failWith(refused);
      // Accepted meanwhile by another call: the record above is followed by its real outcome.
      if (!(await contacts.accept(userId))) return notFound();
      await resealHeld();
      deps.onListChanged();
      return ok({});
    },
  };
  return service;
}

export type MessagingService = ReturnType<typeof createMessagingService>;
