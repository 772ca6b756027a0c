/**
 * The feed as the vault takes it: a page of events (messages already verified and opened, and
 * receipts) stored in one transaction together with the cursor that moves past them. One commit
 * per page, not three per message: with `synchronous = FULL` each commit waits for the disk, and
 * a workstation back from a night off catches up on thousands of messages at once.
 *
 * Whether a message may join its conversation is decided here again, inside the transaction, by
 * the rule the receiver used to plan the page (messaging/thread-admission.ts): what the vault
 * holds when the page is stored is what counts.
 */
import type { Database } from 'better-sqlite3';
import { admission, type AdmissionRefusal, type ThreadClaim, type ThreadFacts } from '../../messaging/thread-admission';
import { plannedParticipants, type PlannedMessage } from '../../messaging/escalation-standby';
import { sql } from '../statement-cache';
import { acknowledgementReads } from './acknowledgement-ops';
import type { ConversationRecord } from './conversation-ops';
import { receiveMessage, type IncomingMessage } from './message-ops';
import { recordReceipt, type ReceiptInput } from './receipt-ops';

/** The vault setting that holds the last feed sequence stored. */
export const FEED_CURSOR_SETTING = 'feed.cursor';

export type PageItem =
  | {
      readonly type: 'message';
      readonly conversation: ConversationRecord;
      readonly message: IncomingMessage;
      readonly claim: ThreadClaim;
    }
  | ({ readonly type: 'receipt' } & ReceiptInput);

export type PageOutcome =
  | { readonly type: 'message'; readonly outcome: 'stored' | 'duplicate' | AdmissionRefusal }
  | { readonly type: 'receipt'; readonly conversationId: string | null };

/** What the vault holds of a conversation, for the receiver to plan a page with. */
export interface StoredThread {
  readonly id: string;
  readonly members: readonly string[];
  readonly patientRef: string | null;
  /** Its escalation plans, when asked for. */
  readonly plans: readonly PlannedMessage[] | null;
}

const members = (db: Database, conversationId: string): string[] =>
  (
    sql(db, 'SELECT user_id FROM participants WHERE conversation_id = ?').all(conversationId) as { user_id: string }[]
  ).map((row) => row.user_id);

const plansOf = (db: Database, conversationId: string): PlannedMessage[] =>
  acknowledgementReads['conversation.escalationPlans'](db, { conversationId });

function storedThread(db: Database, conversationId: string, withPlans: boolean): StoredThread | null {
  const row = sql(db, 'SELECT patient_ref FROM conversations WHERE id = ?').get(conversationId) as
    { patient_ref: string | null } | undefined;
  if (row === undefined) return null;
  return {
    id: conversationId,
    members: members(db, conversationId),
    patientRef: row.patient_ref,
    plans: withPlans ? plansOf(db, conversationId) : null,
  };
}

export const feedReads = {
  /**
   * The conversations a page names as the vault holds them (absent: new), and which of its
   * messages the vault already has. `plansFor`: conversations whose plans the page needs.
   */
  'feed.threads': (
    db: Database,
    args: { conversationIds: readonly string[]; messageIds: readonly string[]; plansFor: readonly string[] },
  ): { threads: StoredThread[]; known: string[] } => {
    const plansFor = new Set(args.plansFor);
    const threads = [...new Set(args.conversationIds)]
      .map((id) => storedThread(db, id, plansFor.has(id)))
      .filter((thread): thread is StoredThread => thread !== null);
    const known = (
      sql(db, 'SELECT id FROM messages WHERE id IN (SELECT value FROM json_each(?))').all(
        JSON.stringify(args.messageIds),
      ) as { id: string }[]
    ).map((row) => row.id);
    return { threads, known };
  },
} as const;

export const feedWrites = {
  /**
   * Stores a page in one transaction, in order, and moves the cursor to `cursor` (never back).
   * Answers each item's outcome in the same order.
   */
  'feed.storePage': (db: Database, args: { items: readonly PageItem[]; cursor: number | null }): PageOutcome[] =>
    db.transaction(() => {
      const outcomes = args.items.map((item): PageOutcome => {
        if (item.type === 'receipt') return { type: 'receipt', ...recordReceipt(db, item) };
        const conversationId = item.conversation.id;
        const held = storedThread(db, conversationId, false);
        const facts: ThreadFacts | null =
          held === null
            ? null
            : { members: held.members, planned: () => plannedParticipants(plansOf(db, conversationId)) };
        const refused = admission(facts, item.claim);
        if (refused !== null) return { type: 'message', outcome: refused };
        return { type: 'message', outcome: receiveMessage(db, item) ? 'stored' : 'duplicate' };
      });
      if (args.cursor !== null)
        sql(
          db,
          `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
           WHERE CAST(settings.value AS INTEGER) < CAST(excluded.value AS INTEGER)`,
        ).run(FEED_CURSOR_SETTING, String(args.cursor));
      return outcomes;
    })(),
} as const;
