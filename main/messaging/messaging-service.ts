/**
 * One signed-in clinician's messaging, as a small coordinator: it wires the live feed, the
 * outbox, receipts and the modules that each own one part (compose.ts, thread-reader.ts,
 * expiry-sweeper.ts, message-retention.ts, recall.ts, acknowledge.ts, key-change-acceptance.ts) and starts
 * and stops them together.
 * Everything it stores goes to the clinician's vault; everything it sends is sealed first. The
 * renderer only ever gets views (`MessageView`, `ConversationSummary`) and change notices
 * without content.
 */
import { appError } from '../../shared/errors';
import type { ConnectionState, ConversationSummary } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import type { Role } from '../../shared/access/permission-matrix';
import type { DirectoryEntry } from '../../shared/protocol/api';
import type { Availability } from '../../shared/protocol/availability';
import type { Priority } from '../../shared/protocol/envelope';
import type { MessageTemplate } from '../../shared/protocol/template-api';
import type { ActorAudit } from '../audit/audit-trail';
import type { IdentityKeyPairs } from '../crypto/identity-keys';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import { createFeedStream, type SessionEndReason, type StreamState } from '../server-link/feed-stream';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import type { StoreClient } from '../store/store-client';
import { StoreError } from '../store/store-error';
import { createActionRecords } from './action-records';
import { createAvailability, type OwnAvailability } from './availability';
import { createComposer } from './compose';
import { createContactKeys } from './contact-keys';
import { createExpirySweeper } from './expiry-sweeper';
import { createMessageRetention } from './message-retention';
import { firstSyncSince } from './retention-bound';
import { createFeedReceiver } from './feed-receiver';
import { createCatchUpProgress, type CatchUp } from './catch-up-progress';
import { createKeyChangeAcceptance } from './key-change-acceptance';
import { createMessageSearch } from './message-search';
import { toConversationSummary, toDirectoryEntryView } from './message-view';
import { createOutboxSender } from './outbox-sender';
import { ownKeysOf } from './own-keys';
import type { ArchiveSealing } from './archive-sealing';
import { createRecall } from './recall';
import { createAcknowledge } from './acknowledge';
import { createReceiptQueue } from './receipt-queue';
import { createRoleDirectory } from './role-directory';
import { createThreadReader } from './thread-reader';
import { actionEvent } from '../../shared/audit/audit-event-builder';
import type { GuardRules } from '../../shared/text/identifier-guard/guard-verdict';
import { createIdentifierCheck } from './identifier-check';
import { createAttachmentService, type AttachmentServiceDeps } from '../attachments/attachment-service';
import { randomUUID } from 'node:crypto';
import { createTemplateBook } from './template-book';
import { createTemplateSend } from './template-send';

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
  readonly onIncoming?: (senderName: string | null, priority: Priority) => void;
  /** A STAT message is re-alerted while it waits on this clinician: how many wait. */
  readonly onAwaitingAcknowledgement?: (count: number) => void;
  /** The session's copy of the clinician's own availability, which this keeps current. */
  readonly ownAvailability: OwnAvailability;
  readonly onSessionEnded: (reason: SessionEndReason) => void;
  /** The stream says IT has commands waiting for this workstation. */
  readonly onCommandsPending?: () => void;
  /** PHI-free codes only. */
  readonly onRejected: (reason: string) => void;
  /**
   * Records what the clinician does and receives. Awaited before an action is reported done;
   * a view or a send that cannot be recorded is refused (AUDIT_UNAVAILABLE).
   */
  readonly audit: ActorAudit;
  /** The minimum-necessary guard as machine policy sets it for this clinician's role. */
  readonly identifierGuard: GuardRules;
  /** Attachments: policy, what main does to files, the server's blob store, where saves go. */
  readonly attachments: Pick<AttachmentServiceDeps, 'policy' | 'media' | 'blobs' | 'files' | 'downloadsDir'>;
  /** Machine policy lets this clinician's role send only approved templates (`templatesOnlyRoles`). */
  readonly templatesOnly: boolean;
  /** The archive key every envelope is also sealed to, or why nothing may be sealed (archive-sealing.ts). */
  readonly archive: ArchiveSealing;
  /**
   * How far back a workstation's first sync reaches; older messages come from the server's
   * history when a conversation is scrolled back. Default 30 days.
   */
  readonly initialSyncWindowMs?: number;
  /**
   * Machine policy's messageRetentionDays: messages accepted longer ago are removed from the
   * vault at start and daily (message-retention.ts), and a first sync reaches no further back.
   */
  readonly retentionDays: number | null;
}

const INITIAL_SYNC_WINDOW_MS = 30 * 24 * 3600_000;
const OUTBOX_RETRY_MS = 5_000;
const OWN_AVAILABILITY_CHECK_MS = 60_000;

export function createMessagingService(deps: MessagingDeps) {
  const { store, api, self } = deps;
  const contacts = createContactKeys({ api, store, token: deps.token, now: deps.now });
  const receipts = createReceiptQueue({ api, token: deps.token });
  const roles = createRoleDirectory({ api, token: deps.token });
  const records = createActionRecords({ audit: deps.audit, onRejected: deps.onRejected });
  const ownKeys = ownKeysOf(self.userId, deps.identity, deps.archive);
  // Held for this messaging session only: a lock or sign-out stops it, and `stop` empties it.
  const templates = createTemplateBook({ api, token: deps.token });
  let connection: StreamState = 'connecting';
  let catchingUp: CatchUp | null = null;
  const connectionState = (): ConnectionState =>
    catchingUp === null ? { state: connection } : { state: connection, catchUp: catchingUp };
  const catchUp = createCatchUpProgress((progress) => {
    catchingUp = progress;
    deps.onConnection(connectionState());
  });
  let retry: NodeJS.Timeout | null = null;
  let ownAvailabilityCheck: NodeJS.Timeout | null = null;
  let stopped = false;
  /**
   * Work nobody awaits (outbox drains, sweeps) can meet a vault closed by sign-out or a full
   * disk; it is retried later, and its failure is logged by code, never left unhandled. Once
   * stopped, a failure is the closed vault of the stop itself and says nothing.
   */
  const background = (work: Promise<unknown>) =>
    void work.catch((error: unknown) => {
      if (!stopped) deps.onRejected(error instanceof StoreError ? error.code : 'BACKGROUND_FAILED');
    });

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
      return refreshed.ok && refreshed.value.length > 0 ? 'held' : 'retry';
    },
  });

  const setTimer = (run: () => void, ms: number) => {
    const timer = setTimeout(run, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  };
  const attachments = createAttachmentService({
    ...deps.attachments,
    store,
    records,
    now: deps.now,
    newId: () => randomUUID(),
    setTimer,
    onChanged: (messageId) =>
      background(
        store.call('message.find', { id: messageId }).then((message) => {
          if (message !== null) deps.onThreadChanged(message.conversationId);
        }),
      ),
    onProblem: (code) => deps.onRejected(code),
  });

  const receiver = createFeedReceiver({
    store,
    contacts,
    roles,
    self: { userId: self.userId, signingPublicKey: ownKeys.signingPublicKey, encryption: deps.identity.encryption },
    now: deps.now,
    onThreadChanged: deps.onThreadChanged,
    onListChanged: deps.onListChanged,
    thumbnail: deps.attachments.media.previewThumbnail,
    onAttachments: () => attachments.wake(),
    onDelivered: (messageId) => receipts.add(messageId, 'delivered'),
    onReceived: (message) =>
      deps.audit(
        actionEvent({
          action: 'message.received',
          object: { kind: 'message', id: message.id, conversationId: message.conversationId },
          patient: message.patient,
        }),
      ),
    ...(deps.onIncoming ? { onIncoming: deps.onIncoming } : {}),
    ...(deps.onAwaitingAcknowledgement ? { onAwaitingAcknowledgement: deps.onAwaitingAcknowledgement } : {}),
    onRejected: deps.onRejected,
  });

  const stream = createFeedStream({
    endpoint: deps.endpoint,
    token: deps.token,
    cursor: () => receiver.cursor(),
    since: () => firstSyncSince(deps.now(), deps.initialSyncWindowMs ?? INITIAL_SYNC_WINDOW_MS, deps.retentionDays),
    prepare: (event) => receiver.prepare(event),
    onEvents: async (page) => {
      await receiver.handle(page);
      catchUp.stored(await receiver.cursor());
    },
    onBacklog: (through) => background(receiver.cursor().then((from) => catchUp.backlog(from, through))),
    onState: (state) => {
      connection = state;
      if (state !== 'connecting') {
        catchUp.cancel();
        catchingUp = null;
      }
      deps.onConnection(connectionState());
      if (state === 'online') {
        background(outbox.drainNow());
        background(receipts.flush());
        attachments.wake();
      }
    },
    onSessionEnded: deps.onSessionEnded,
    ...(deps.onCommandsPending ? { onCommandsPending: deps.onCommandsPending } : {}),
  });

  /** Messages were recalled or expired: their attachments' files (keys already gone) are unlinked. */
  const removedMessages = () => {
    attachments.sweep();
    deps.onListChanged();
  };
  const expiry = createExpirySweeper({
    store,
    records,
    now: deps.now,
    onThreadChanged: deps.onThreadChanged,
    onListChanged: removedMessages,
    background,
  });
  const retention = createMessageRetention({
    store,
    records,
    days: deps.retentionDays,
    now: deps.now,
    setTimer,
    onRemoved: (conversationIds) => {
      for (const id of conversationIds) deps.onThreadChanged(id);
      removedMessages();
    },
    background,
  });
  const composer = createComposer({
    store,
    contacts,
    roles,
    records,
    ownKeys,
    self: {
      userId: self.userId,
      displayName: self.displayName,
      role: self.role,
      department: self.department,
      title: self.title,
    },
    deviceId: deps.deviceId,
    now: deps.now,
    onThreadChanged: deps.onThreadChanged,
    onListChanged: deps.onListChanged,
    onQueued: () => background(outbox.drain()),
    checkIdentifiers: createIdentifierCheck({ rules: deps.identifierGuard, records, now: deps.now }),
    drafts: attachments.drafts,
    resolveTemplate: createTemplateSend({ book: templates, templatesOnly: deps.templatesOnly }),
    async availabilityOf(userIds) {
      // Offline, the message goes to whom it names; the directory is asked again for the next one.
      const found = await api.call('lookupKeys', { userIds: [...userIds] }, deps.token());
      if (!found.ok) return new Map();
      // A cover who has never signed in has no keys: they cannot receive, and must not block the send.
      const covers = found.value.users.flatMap(({ user }) =>
        user.availability?.cover ? [user.availability.cover.userId] : [],
      );
      const keyed =
        covers.length === 0 ? null : await api.call('lookupKeys', { userIds: [...new Set(covers)] }, deps.token());
      const reachable = new Set(
        keyed?.ok === true ? keyed.value.users.filter((u) => u.publicKeys !== null).map((u) => u.user.userId) : [],
      );
      return new Map(
        found.value.users.map(({ user }) => {
          const away = user.availability;
          const cover = away?.cover && reachable.has(away.cover.userId) ? away.cover : null;
          return [user.userId, away === null ? null : { ...away, cover }];
        }),
      );
    },
  });
  const threads = createThreadReader({
    api,
    store,
    token: deps.token,
    selfId: self.userId,
    contacts,
    receiver,
    receipts,
    records,
    sweepExpired: () => expiry.sweep(),
    now: deps.now,
    onListChanged: deps.onListChanged,
  });
  const recall = createRecall({
    api,
    store,
    token: deps.token,
    selfId: self.userId,
    ownKeys,
    records,
    now: deps.now,
    onThreadChanged: deps.onThreadChanged,
    onListChanged: removedMessages,
  });
  const acknowledge = createAcknowledge({
    api,
    store,
    token: deps.token,
    selfId: self.userId,
    ownKeys,
    records,
    now: deps.now,
    onThreadChanged: deps.onThreadChanged,
    onListChanged: deps.onListChanged,
  });
  const availability = createAvailability({
    api,
    token: deps.token,
    selfId: self.userId,
    records,
    own: deps.ownAvailability,
  });
  const acceptKeyChange = createKeyChangeAcceptance({
    store,
    contacts,
    ownKeys,
    records,
    onThreadChanged: deps.onThreadChanged,
    onListChanged: deps.onListChanged,
    onRejected: deps.onRejected,
    onResealed: () => background(outbox.drainNow()),
  });

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

  const service = {
    start() {
      stream.start();
      expiry.start();
      retention.start();
      // Attachments left waiting by an earlier session (a lock mid-download) are fetched again.
      attachments.wake();
      background(renameRoleAddresses());
      // Set on another workstation, or before this sign-in: Do not disturb holds here too.
      background(availability.read());
      retry = setInterval(() => background(outbox.drain()), OUTBOX_RETRY_MS);
      retry.unref();
      // Set at another workstation meanwhile: this one's notices follow within a minute.
      ownAvailabilityCheck = setInterval(() => background(availability.read()), OWN_AVAILABILITY_CHECK_MS);
      ownAvailabilityCheck.unref();
    },

    async stop() {
      stopped = true;
      // First: nothing more is decrypted for a session that is ending.
      receiver.close();
      expiry.stop();
      await retention.stop();
      attachments.stop();
      templates.clear();
      if (retry) clearInterval(retry);
      retry = null;
      if (ownAvailabilityCheck) clearInterval(ownAvailabilityCheck);
      ownAvailabilityCheck = null;
      await stream.stop();
    },

    connectionState,

    /** The feed position stored in the vault: where a locked session's watch resumes. */
    cursor: () => receiver.cursor(),

    /** Incoming messages still waiting for this clinician's acknowledgement: a locked watch re-alerts for these. */
    awaitingAcknowledgement: () => store.call('message.awaitingAcknowledgementIds', {}),

    /** Incoming messages not yet read, over all conversations: the taskbar badge. */
    unreadCount: () => store.call('message.unreadCount', {}),

    async searchDirectory(query: string): Promise<IpcResult<{ entries: DirectoryEntry[] }>> {
      const result = await api.call('searchDirectory', { query, limit: 20 }, deps.token());
      if (!result.ok) return fail(appError(appCodeOf(result.error.code)));
      // The result count only: the query can be a patient's name.
      const refused = await records.refusal(
        actionEvent({
          action: 'search.performed',
          object: { kind: 'search', resultCount: result.value.entries.length },
        }),
      );
      if (refused !== null) return fail(appError(refused));
      roles.remember(result.value.entries);
      return ok({ entries: result.value.entries.map(toDirectoryEntryView) });
    },

    /** Availability of named people, as the directory shows it now, names cleaned as every directory name is. */
    async availabilityOfPeople(
      userIds: readonly string[],
    ): Promise<IpcResult<{ people: { userId: string; availability: Availability }[] }>> {
      const result = await api.call('lookupKeys', { userIds: [...new Set(userIds)] }, deps.token());
      if (!result.ok) return fail(appError(appCodeOf(result.error.code)));
      return ok({
        people: result.value.users.map(({ user }) => {
          const view = toDirectoryEntryView(user);
          return { userId: user.userId, availability: view.kind === 'user' ? view.availability : null };
        }),
      });
    },

    async listConversations(
      offset: number,
      limit: number,
    ): Promise<IpcResult<{ items: ConversationSummary[]; total: number }>> {
      const page = await store.call('conversation.page', { selfId: self.userId, offset, limit });
      return ok({ items: page.rows.map(toConversationSummary), total: page.total });
    },

    /** Messages on this workstation by their words, their conversation's subject or patient (message-search.ts). */
    searchMessages: createMessageSearch({ store, records, selfId: self.userId, now: deps.now }),
    send: composer.send,
    attachments,

    /** The approved templates for this clinician, and whether policy allows them nothing else. */
    async listTemplates(
      refresh: boolean,
    ): Promise<IpcResult<{ templates: MessageTemplate[]; templatesOnly: boolean }>> {
      const listed = await templates.list(refresh);
      return listed.ok ? ok({ templates: [...listed.value], templatesOnly: deps.templatesOnly }) : listed;
    },
    openConversation: threads.open,
    /** Older messages: from the vault, else from the server's history (decrypted and stored here). */
    loadOlder: threads.loadOlder,
    recall,
    acknowledge,
    acceptKeyChange,
    setAvailability: availability.set,
    readAvailability: availability.read,
  };
  return service;
}

export type MessagingService = ReturnType<typeof createMessagingService>;
