/**
 * Every operation the vault database supports, run inside the store worker. The client's types
 * are derived from this table, so a call and its implementation cannot drift apart. Operations
 * are synchronous on purpose: they run on the worker's thread, never on main's.
 */
import type { Database } from 'better-sqlite3';
import { ftsQuery } from './fts-query';
import { messagingOps } from './messaging-ops';
import { sql } from './statement-cache';

export type Priority = 'routine' | 'urgent' | 'stat';

export interface ConversationInput {
  readonly id: string;
  readonly kind: 'direct' | 'group' | 'role';
  readonly title: string | null;
  readonly patientRef: string | null;
  readonly createdAt: number;
  readonly participants: readonly {
    userId: string;
    displayName: string;
    role: string | null;
    department: string | null;
  }[];
}

export interface ConversationSummary {
  readonly id: string;
  readonly kind: 'direct' | 'group' | 'role';
  readonly title: string | null;
  readonly patientRef: string | null;
  readonly lastMessageAt: number | null;
  readonly unreadCount: number;
}

export interface MessageInput {
  readonly id: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly sentAt: number;
  readonly receivedAt: number | null;
  readonly priority: Priority;
  readonly expiresAt: number | null;
  readonly envelope: Uint8Array | null;
  readonly body: string | null;
}

export interface MessageRow extends MessageInput {
  readonly recalledAt: number | null;
}

export interface SearchHit {
  readonly messageId: string;
  readonly conversationId: string;
  readonly sentAt: number;
}

interface RawMessage {
  id: string;
  conversation_id: string;
  sender_id: string;
  sent_at: number;
  received_at: number | null;
  priority: Priority;
  expires_at: number | null;
  recalled_at: number | null;
  envelope: Buffer | null;
  body: string | null;
}

function toMessage(raw: RawMessage): MessageRow {
  return {
    id: raw.id,
    conversationId: raw.conversation_id,
    senderId: raw.sender_id,
    sentAt: raw.sent_at,
    receivedAt: raw.received_at,
    priority: raw.priority,
    expiresAt: raw.expires_at,
    recalledAt: raw.recalled_at,
    envelope: raw.envelope === null ? null : new Uint8Array(raw.envelope),
    body: raw.body,
  };
}

const MESSAGE_COLUMNS =
  'id, conversation_id, sender_id, sent_at, received_at, priority, expires_at, recalled_at, envelope, body';

function insertMessage(db: Database, message: MessageInput): void {
  sql(
    db,
    `INSERT INTO messages (id, conversation_id, sender_id, sent_at, received_at, priority, expires_at, envelope, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    message.id,
    message.conversationId,
    message.senderId,
    message.sentAt,
    message.receivedAt,
    message.priority,
    message.expiresAt,
    message.envelope === null ? null : Buffer.from(message.envelope),
    message.body,
  );
  sql(
    db,
    'UPDATE conversations SET last_message_at = max(coalesce(last_message_at, 0), ?), updated_at = ? WHERE id = ?',
  ).run(message.sentAt, message.sentAt, message.conversationId);
}

export const storeOps = {
  'conversation.upsert': (db: Database, input: ConversationInput): null => {
    db.transaction(() => {
      sql(
        db,
        `INSERT INTO conversations (id, kind, title, patient_ref, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, patient_ref = excluded.patient_ref, updated_at = excluded.updated_at`,
      ).run(input.id, input.kind, input.title, input.patientRef, input.createdAt, input.createdAt);
      for (const p of input.participants) {
        sql(
          db,
          `INSERT INTO participants (conversation_id, user_id, display_name, role, department) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (conversation_id, user_id) DO UPDATE SET display_name = excluded.display_name,
             role = excluded.role, department = excluded.department`,
        ).run(input.id, p.userId, p.displayName, p.role, p.department);
      }
    })();
    return null;
  },

  'conversation.list': (db: Database, args: { limit: number; offset: number }): ConversationSummary[] =>
    (
      sql(
        db,
        `SELECT id, kind, title, patient_ref, last_message_at, unread_count FROM conversations
         ORDER BY last_message_at DESC NULLS LAST, id LIMIT ? OFFSET ?`,
      ).all(args.limit, args.offset) as {
        id: string;
        kind: ConversationSummary['kind'];
        title: string | null;
        patient_ref: string | null;
        last_message_at: number | null;
        unread_count: number;
      }[]
    ).map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      patientRef: row.patient_ref,
      lastMessageAt: row.last_message_at,
      unreadCount: row.unread_count,
    })),

  'message.insert': (db: Database, message: MessageInput): null => {
    db.transaction(() => insertMessage(db, message))();
    return null;
  },

  /** One transaction for the batch: history fetched from the server arrives in pages. */
  'message.insertMany': (db: Database, messages: readonly MessageInput[]): number => {
    db.transaction(() => {
      for (const message of messages) insertMessage(db, message);
    })();
    return messages.length;
  },

  'message.get': (db: Database, args: { id: string }): MessageRow | null => {
    const raw = sql(db, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`).get(args.id) as RawMessage | undefined;
    return raw ? toMessage(raw) : null;
  },

  'message.listByConversation': (
    db: Database,
    args: { conversationId: string; beforeSentAt: number | null; limit: number },
  ): MessageRow[] =>
    (
      sql(
        db,
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND sent_at < ?
         ORDER BY sent_at DESC LIMIT ?`,
      ).all(args.conversationId, args.beforeSentAt ?? Number.MAX_SAFE_INTEGER, args.limit) as RawMessage[]
    ).map(toMessage),

  /** Recall: the body and envelope are removed (and, with secure_delete, overwritten); the row stays as a marker. */
  'message.recall': (db: Database, args: { id: string; recalledAt: number }): boolean =>
    sql(
      db,
      'UPDATE messages SET body = NULL, envelope = NULL, recalled_at = ? WHERE id = ? AND recalled_at IS NULL',
    ).run(args.recalledAt, args.id).changes === 1,

  'message.count': (db: Database, _args: Record<string, never>): number =>
    (sql(db, 'SELECT count(*) AS n FROM messages').get() as { n: number }).n,

  'message.search': (db: Database, args: { text: string; limit: number }): SearchHit[] => {
    const query = ftsQuery(args.text);
    if (query === null) return [];
    return (
      sql(
        db,
        `SELECT m.id AS message_id, m.conversation_id, m.sent_at FROM message_search s
         JOIN messages m ON m.seq = s.rowid WHERE message_search MATCH ? ORDER BY s.rank LIMIT ?`,
      ).all(query, args.limit) as { message_id: string; conversation_id: string; sent_at: number }[]
    ).map((row) => ({ messageId: row.message_id, conversationId: row.conversation_id, sentAt: row.sent_at }));
  },

  'setting.get': (db: Database, args: { key: string }): string | null =>
    (sql(db, 'SELECT value FROM settings WHERE key = ?').get(args.key) as { value: string } | undefined)?.value ?? null,

  'setting.set': (db: Database, args: { key: string; value: string }): null => {
    sql(
      db,
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(args.key, args.value);
    return null;
  },

  /** Full structural check; slow on large vaults, so it is asked for, not run on every unlock. */
  'store.integrityCheck': (db: Database, _args: Record<string, never>): boolean =>
    (db.pragma('quick_check', { simple: true }) as string) === 'ok',

  ...messagingOps,
} as const;

export type StoreOps = typeof storeOps;
export type StoreOpName = keyof StoreOps;
export type StoreOpArgs<K extends StoreOpName> = Parameters<StoreOps[K]>[1];
export type StoreOpResult<K extends StoreOpName> = ReturnType<StoreOps[K]>;
