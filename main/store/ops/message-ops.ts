/**
 * The messages table as a thread shows it: storing an incoming message once, queueing an
 * outgoing one with its sealed envelope, recall, and reading messages back with their send
 * state and receipt counts. Read state and expiry have modules of their own.
 */
import type { Database } from 'better-sqlite3';
import type { Priority } from '../../../shared/protocol/envelope';
import type { EscalationPlan } from '../../../shared/protocol/escalation';
import type { AcknowledgementRecord } from './acknowledgement-ops';
import { sql } from '../statement-cache';
import { insertAttachments, type AttachmentRecord } from './attachment-ops';
import { touchConversation, upsertConversation, type ConversationRecord } from './conversation-ops';

export interface StoredMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly direction: 'in' | 'out';
  readonly sentAt: number;
  readonly priority: Priority;
  readonly expiresAt: number | null;
  readonly recalledAt: number | null;
  readonly expiredAt: number | null;
  readonly sendState: 'pending' | 'sent' | 'failed' | null;
  /** Pending, but held until a recipient's changed key is accepted. */
  readonly held: boolean;
  readonly recipientCount: number;
  readonly body: string | null;
  readonly deliveredCount: number;
  readonly readCount: number;
  /** It asks its recipients to acknowledge it (schema-v6.ts). */
  readonly ackRequested: boolean;
  /** Who acknowledged it, first first. */
  readonly acknowledgements: readonly Omit<AcknowledgementRecord, 'messageId'>[];
  /** A STAT message's signed escalation plan, and the alerts the server reported (step null: a re-alert). */
  readonly escalation: {
    readonly plan: EscalationPlan;
    readonly alerts: readonly { readonly step: number | null; readonly at: number }[];
  } | null;
}

export interface IncomingMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly priority: Priority;
  readonly expiresAt: number | null;
  readonly recipientCount: number;
  readonly envelope: Uint8Array;
  readonly body: string;
  /** Outgoing copies fetched on another workstation of the sender arrive this way too. */
  readonly direction: 'in' | 'out';
  /** It asks for acknowledgement; absent means no. */
  readonly ackRequested?: boolean;
  /** Its signed escalation plan, if it has one. */
  readonly escalationPlan?: EscalationPlan | null;
  /** Files its sealed body describes, to be fetched (attachment-ops.ts). */
  readonly attachments?: readonly AttachmentRecord[];
}

/** A message the clinician just sent, as shown while it waits in the outbox. */
export interface OutgoingMessage {
  readonly id: string;
  readonly senderId: string;
  readonly sentAt: number;
  readonly priority: Priority;
  readonly expiresAt: number | null;
  readonly recipientCount: number;
  readonly body: string;
  readonly ackRequested?: boolean;
  readonly escalationPlan?: EscalationPlan | null;
  /** The sender's own copy of each file, stored ready. */
  readonly attachments?: readonly AttachmentRecord[];
}

interface RawStored {
  id: string;
  conversation_id: string;
  sender_id: string;
  direction: 'in' | 'out';
  sent_at: number;
  priority: Priority;
  expires_at: number | null;
  recalled_at: number | null;
  expired_at: number | null;
  send_state: StoredMessage['sendState'];
  held: number | null;
  recipient_count: number;
  body: string | null;
  delivered_count: number;
  read_count: number;
  ack_requested: number;
  acknowledgements: string;
  escalation_plan: string | null;
  escalation_alerts: string;
}

const STORED_COLUMNS = `m.id, m.conversation_id, m.sender_id, m.direction, m.sent_at, m.priority, m.expires_at,
  m.recalled_at, m.expired_at, m.send_state, m.recipient_count, m.body,
  (SELECT o.held FROM outbox o WHERE o.id = m.id) AS held,
  (SELECT count(*) FROM receipts r WHERE r.message_id = m.id AND r.delivered_at IS NOT NULL) AS delivered_count,
  (SELECT count(*) FROM receipts r WHERE r.message_id = m.id AND r.read_at IS NOT NULL) AS read_count,
  m.ack_requested,
  (SELECT json_group_array(json_object('userId', a.user_id, 'reply', a.reply, 'at', a.acknowledged_at))
     FROM (SELECT * FROM acknowledgements a WHERE a.message_id = m.id ORDER BY a.acknowledged_at, a.user_id) a)
     AS acknowledgements,
  m.escalation_plan,
  (SELECT json_group_array(json_object('step', e.step, 'at', e.at))
     FROM (SELECT * FROM escalation_events e WHERE e.message_id = m.id ORDER BY e.at, e.step) e) AS escalation_alerts`;

function toStored(raw: RawStored): StoredMessage {
  return {
    id: raw.id,
    conversationId: raw.conversation_id,
    senderId: raw.sender_id,
    direction: raw.direction,
    sentAt: raw.sent_at,
    priority: raw.priority,
    expiresAt: raw.expires_at,
    recalledAt: raw.recalled_at,
    expiredAt: raw.expired_at,
    sendState: raw.send_state,
    held: raw.held === 1,
    recipientCount: raw.recipient_count,
    body: raw.body,
    deliveredCount: raw.delivered_count,
    readCount: raw.read_count,
    ackRequested: raw.ack_requested === 1,
    acknowledgements: JSON.parse(raw.acknowledgements) as StoredMessage['acknowledgements'],
    escalation:
      raw.escalation_plan === null
        ? null
        : {
            // Written by message.receive from a plan that passed the envelope schema.
            plan: JSON.parse(raw.escalation_plan) as EscalationPlan,
            alerts: (JSON.parse(raw.escalation_alerts) as { step: number; at: number }[]).map((alert) => ({
              step: alert.step < 0 ? null : alert.step,
              at: alert.at,
            })),
          },
  };
}

/**
 * Stores a decrypted message and its conversation once: true if it is new. A message seen again
 * (push and fetch overlap) is ignored. Runs inside the caller's transaction.
 */
export function receiveMessage(
  db: Database,
  input: { conversation: ConversationRecord; message: IncomingMessage },
): boolean {
  upsertConversation(db, input.conversation);
  const m = input.message;
  const inserted =
    sql(
      db,
      `INSERT INTO messages (id, conversation_id, sender_id, sent_at, received_at, priority, expires_at, envelope, body,
         direction, send_state, recipient_count, ack_requested, escalation_plan)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ).run(
      m.id,
      m.conversationId,
      m.senderId,
      m.sentAt,
      m.receivedAt,
      m.priority,
      m.expiresAt,
      Buffer.from(m.envelope),
      m.body,
      m.direction,
      m.direction === 'out' ? 'sent' : null,
      m.recipientCount,
      m.ackRequested === true ? 1 : 0,
      m.escalationPlan == null ? null : JSON.stringify(m.escalationPlan),
    ).changes === 1;
  if (inserted) {
    touchConversation(db, m.conversationId, m.sentAt);
    if (m.attachments !== undefined) insertAttachments(db, m.id, m.attachments);
  }
  return inserted;
}

export const messageReads = {
  /** Newest `limit` messages before `before`, answered oldest first. */
  'message.thread': (
    db: Database,
    args: { conversationId: string; before: number | null; limit: number },
  ): StoredMessage[] =>
    (
      sql(
        db,
        `SELECT ${STORED_COLUMNS} FROM messages m WHERE m.conversation_id = ? AND m.sent_at < ?
         ORDER BY m.sent_at DESC, m.seq DESC LIMIT ?`,
      ).all(args.conversationId, args.before ?? Number.MAX_SAFE_INTEGER, args.limit) as RawStored[]
    )
      .map(toStored)
      .reverse(),

  'message.find': (db: Database, args: { id: string }): StoredMessage | null => {
    const raw = sql(db, `SELECT ${STORED_COLUMNS} FROM messages m WHERE m.id = ?`).get(args.id) as
      RawStored | undefined;
    return raw ? toStored(raw) : null;
  },
} as const;

export const messageWrites = {
  /** Stores a decrypted message once: a message seen again (push and fetch overlap) is ignored. */
  'message.receive': (
    db: Database,
    input: { conversation: ConversationRecord; message: IncomingMessage },
  ): { inserted: boolean } => db.transaction(() => ({ inserted: receiveMessage(db, input) }))(),

  /** The message shown at once as pending, and its sealed envelope queued: one transaction. */
  'message.queueOutgoing': (
    db: Database,
    input: { conversation: ConversationRecord; message: OutgoingMessage; envelope: Uint8Array },
  ): null => {
    db.transaction(() => {
      upsertConversation(db, input.conversation);
      const m = input.message;
      sql(
        db,
        `INSERT INTO messages (id, conversation_id, sender_id, sent_at, received_at, priority, expires_at, envelope, body,
           direction, send_state, recipient_count, ack_requested, escalation_plan)
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, 'out', 'pending', ?, ?, ?)`,
      ).run(
        m.id,
        input.conversation.id,
        m.senderId,
        m.sentAt,
        m.priority,
        m.expiresAt,
        Buffer.from(input.envelope),
        m.body,
        m.recipientCount,
        m.ackRequested === true ? 1 : 0,
        m.escalationPlan == null ? null : JSON.stringify(m.escalationPlan),
      );
      sql(
        db,
        `INSERT INTO outbox (id, conversation_id, idempotency_key, envelope, created_at, attempts, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, 0, NULL)`,
      ).run(m.id, input.conversation.id, m.id, Buffer.from(input.envelope), m.sentAt);
      if (m.attachments !== undefined) insertAttachments(db, m.id, m.attachments);
      touchConversation(db, input.conversation.id, m.sentAt);
    })();
    return null;
  },

  /** Recall: the body and envelope are removed (and, with secure_delete, overwritten); the row stays as a marker. */
  'message.recall': (db: Database, args: { id: string; recalledAt: number }): boolean =>
    sql(
      db,
      'UPDATE messages SET body = NULL, envelope = NULL, recalled_at = ? WHERE id = ? AND recalled_at IS NULL',
    ).run(args.recalledAt, args.id).changes === 1,
} as const;
