/**
 * Reading a conversation. Opening one is an access: it is recorded, then each unread message is
 * recorded as read before it is marked read, a read receipt goes or the thread is shown; an
 * unrecordable read shows nothing and leaves the messages unread. Older messages come from the
 * vault, else from the server's history (verified, opened and stored here like any other).
 */
import type { MessageView, Thread } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { appError } from '../../shared/errors';
import { AuditError } from '../audit/device-audit-log';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import type { StoreClient } from '../store/store-client';
import { refusalOf, type ActionRecords } from './action-records';
import type { ContactKeys } from './contact-keys';
import type { FeedReceiver } from './feed-receiver';
import { toMessageView, toThreadConversation } from './message-view';
import type { ReceiptQueue } from './receipt-queue';
import { actionEvent } from '../../shared/audit/audit-event-builder';
import { attachmentViewsOf } from '../attachments/attachment-views';

export interface ThreadReaderDeps {
  readonly api: ApiClient;
  readonly store: StoreClient;
  readonly token: () => string | null;
  readonly selfId: string;
  readonly contacts: Pick<ContactKeys, 'hasPendingChange'>;
  readonly receiver: Pick<FeedReceiver, 'ingest'>;
  readonly receipts: Pick<ReceiptQueue, 'add'>;
  readonly records: ActionRecords;
  /** Expires what is due, so an opened thread never shows text past its expiry. */
  readonly sweepExpired: () => Promise<void>;
  readonly now: () => number;
  readonly onListChanged: () => void;
}

export interface ThreadReader {
  /** `again`: the thread on screen, asked for anew; not recorded as opened if it is the one last opened. */
  readonly open: (conversationId: string, again?: boolean) => Promise<IpcResult<Thread>>;
  readonly loadOlder: (
    conversationId: string,
    before: number,
  ) => Promise<IpcResult<{ messages: MessageView[]; more: boolean }>>;
}

const THREAD_PAGE = 100;

/**
 * Whether older messages may exist elsewhere: this workstation's oldest message is later than
 * the conversation's first (it was joined here after it began). A conversation started here, or
 * first seen with its first message, has nothing older.
 */
function startsAfterCreation(createdAt: number, messages: readonly { sentAt: number }[]): boolean {
  const oldest = messages[0];
  return oldest !== undefined && oldest.sentAt > createdAt;
}

export function createThreadReader(deps: ThreadReaderDeps): ThreadReader {
  const { store, records } = deps;
  /** Conversations whose server history has been fetched to its start in this session. */
  const historyDone = new Set<string>();
  /**
   * The conversation last opened in this unlocked session: asking for it again while it is on
   * screen is the same opening, so the trail says how often a person opened a conversation, not
   * how often it changed while open. Anything else asked "again" is recorded as an opening.
   */
  let lastOpened: string | null = null;
  /**
   * Opens under way, by conversation. A request for the same thread while one runs (the view
   * mounting twice, twenty clicks, a change arriving) waits for it and shares one more run after
   * it, as the same opening (`again`): each answer reflects what was there when it was asked,
   * and the unread list is never read by two runs at once, so each read is recorded once.
   */
  const opening = new Map<
    string,
    { running: Promise<IpcResult<Thread>>; followUp: Promise<IpcResult<Thread>> | null }
  >();
  const run = (conversationId: string, again: boolean): Promise<IpcResult<Thread>> => {
    const entry = {
      running: null as unknown as Promise<IpcResult<Thread>>,
      followUp: null as Promise<IpcResult<Thread>> | null,
    };
    entry.running = openThread(conversationId, again).finally(() => {
      if (opening.get(conversationId) === entry) opening.delete(conversationId);
    });
    opening.set(conversationId, entry);
    return entry.running;
  };

  async function openThread(conversationId: string, again: boolean): Promise<IpcResult<Thread>> {
    const conversation = await store.call('conversation.get', { id: conversationId });
    if (conversation === null) return fail(appError('NOT_FOUND'));
    const patient = conversation.patient?.ref ?? null;
    if (!again || lastOpened !== conversationId) {
      const refused = await records.refusal(
        actionEvent({
          action: 'conversation.opened',
          object: { kind: 'conversation', id: conversationId },
          patient,
        }),
      );
      if (refused !== null) return fail(appError(refused));
      lastOpened = conversationId;
    }
    await deps.sweepExpired();
    // Reading is an access: recorded before the messages are marked read, a read receipt goes or
    // the thread is shown. An unrecordable read shows nothing and leaves them unread.
    const readNow = async (): Promise<IpcResult<null>> => {
      const unread = await store.call('conversation.unread', { conversationId });
      if (unread.length === 0) return ok(null);
      const unrecorded = await records.refusals(
        unread.map((id) =>
          actionEvent({ action: 'message.read', object: { kind: 'message', id, conversationId }, patient }),
        ),
      );
      if (unrecorded !== null) return fail(appError(unrecorded));
      const newlyRead = await store.call('conversation.markRead', { conversationId, ids: unread, at: deps.now() });
      for (const id of newlyRead) deps.receipts.add(id, 'read');
      if (newlyRead.length > 0) deps.onListChanged();
      return ok(null);
    };
    const before = await readNow();
    if (!before.ok) return before;
    const messages = await store.call('message.thread', { conversationId, before: null, limit: THREAD_PAGE });
    // A message that arrived while this ran is in the page about to be shown: shown means read, so
    // it is recorded (and marked) too, or nothing is shown.
    const after = await readNow();
    if (!after.ok) return after;
    const names = new Map(conversation.participants.map((p) => [p.userId, p.displayName]));
    const keyChanged = new Set<string>();
    for (const p of conversation.participants)
      if (p.userId !== deps.selfId && (await deps.contacts.hasPendingChange(p.userId))) keyChanged.add(p.userId);
    await Promise.all(
      [...keyChanged].map((userId) =>
        records.noted(actionEvent({ action: 'key-change.shown', object: { kind: 'account', id: userId } })),
      ),
    );
    const now = deps.now();
    const attachments = await attachmentViewsOf(
      store,
      messages.map((m) => m.id),
    );
    return ok({
      conversation: toThreadConversation(conversation, deps.selfId, keyChanged),
      messages: messages.map((m) => toMessageView(m, { selfId: deps.selfId, names, now, attachments })),
      more:
        messages.length === THREAD_PAGE ||
        (!historyDone.has(conversationId) && startsAfterCreation(conversation.createdAt, messages)),
    });
  }

  return {
    open(conversationId, again = false) {
      const entry = opening.get(conversationId);
      if (entry === undefined) return run(conversationId, again);
      entry.followUp ??= entry.running.then(() => run(conversationId, true));
      return entry.followUp;
    },

    async loadOlder(conversationId, before) {
      const conversation = await store.call('conversation.get', { id: conversationId });
      if (conversation === null) return fail(appError('NOT_FOUND'));
      let local = await store.call('message.thread', { conversationId, before, limit: THREAD_PAGE });
      let more = local.length === THREAD_PAGE;
      if (local.length < THREAD_PAGE && !historyDone.has(conversationId)) {
        const history = await deps.api.call('history', { conversationId, before, limit: THREAD_PAGE }, deps.token());
        if (!history.ok) return fail(appError(appCodeOf(history.error.code)));
        try {
          for (const stored of history.value.envelopes) {
            if (stored.recalledAt !== null) continue;
            await deps.receiver.ingest(stored.envelope, stored.acceptedAt);
          }
        } catch (error) {
          // A message that cannot be recorded as received is not stored, nor shown.
          if (error instanceof AuditError) return fail(appError(refusalOf(error)));
          throw error;
        }
        if (!history.value.more) historyDone.add(conversationId);
        local = await store.call('message.thread', { conversationId, before, limit: THREAD_PAGE });
        more = history.value.more || local.length === THREAD_PAGE;
      }
      const names = new Map(conversation.participants.map((p) => [p.userId, p.displayName]));
      const now = deps.now();
      const attachments = await attachmentViewsOf(
        store,
        local.map((m) => m.id),
      );
      return ok({
        messages: local.map((m) => toMessageView(m, { selfId: deps.selfId, names, now, attachments })),
        more,
      });
    },
  };
}
