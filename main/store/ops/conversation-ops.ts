/**
 * The conversations and participants tables: a conversation as a thread's header knows it, and
 * the page the conversation list shows. Messages create their conversation through
 * `upsertConversation` and move its recency through `touchConversation`, in their own transaction.
 */
import type { Database } from 'better-sqlite3';
import type { PatientContext, Priority } from '../../../shared/protocol/envelope';
import { sql } from '../statement-cache';

export type ConversationKind = 'direct' | 'group' | 'role';

export interface ParticipantRecord {
  readonly userId: string;
  readonly displayName: string;
  readonly role: string | null;
  readonly department: string | null;
  readonly title: string | null;
}

export interface ConversationRecord {
  readonly id: string;
  readonly kind: ConversationKind;
  readonly title: string | null;
  readonly roleAddressId: string | null;
  readonly roleAddressName: string | null;
  readonly createdAt: number;
  /** The patient the conversation is about, as its starter named them. */
  readonly patient: PatientContext | null;
  readonly participants: readonly ParticipantRecord[];
}

export interface ConversationListRow {
  readonly id: string;
  readonly kind: ConversationKind;
  readonly title: string | null;
  readonly roleAddressId: string | null;
  readonly roleAddressName: string | null;
  /** Other participants' names, in a stable order, for a label when there is no title. */
  readonly otherNames: readonly string[];
  readonly lastMessageAt: number | null;
  readonly unreadCount: number;
  readonly unreadPriority: Priority | null;
  /** Messages asking for acknowledgement that nobody has acknowledged, by direction. */
  readonly awaitingAcknowledgement: { readonly incoming: number; readonly outgoing: number };
}

const PRIORITY_RANK = "CASE priority WHEN 'stat' THEN 3 WHEN 'urgent' THEN 2 ELSE 1 END";
const RANK_TO_PRIORITY: Readonly<Record<number, Priority>> = { 1: 'routine', 2: 'urgent', 3: 'stat' };

/**
 * Creates the conversation if new (what it is about never changes afterwards) and refreshes its
 * participants' directory details either way. Runs inside the caller's transaction.
 */
export function upsertConversation(db: Database, input: ConversationRecord): void {
  sql(
    db,
    `INSERT INTO conversations (id, kind, title, patient_ref, patient_label, created_at, updated_at, role_address_id, role_address_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  ).run(
    input.id,
    input.kind,
    input.title,
    input.patient?.ref ?? null,
    input.patient?.label ?? null,
    input.createdAt,
    input.createdAt,
    input.roleAddressId,
    input.roleAddressName,
  );
  for (const p of input.participants) {
    sql(
      db,
      `INSERT INTO participants (conversation_id, user_id, display_name, role, department, title) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET display_name = excluded.display_name,
         role = excluded.role, department = excluded.department, title = excluded.title`,
    ).run(input.id, p.userId, p.displayName, p.role, p.department, p.title);
  }
}

/** A message at `at` joined the conversation: it moves up the list. Runs inside the caller's transaction. */
export function touchConversation(db: Database, conversationId: string, at: number): void {
  sql(
    db,
    'UPDATE conversations SET last_message_at = max(coalesce(last_message_at, 0), ?), updated_at = ? WHERE id = ?',
  ).run(at, at, conversationId);
}

export const conversationReads = {
  'conversation.get': (db: Database, args: { id: string }): ConversationRecord | null => {
    const row = sql(
      db,
      'SELECT id, kind, title, role_address_id, role_address_name, created_at, patient_ref, patient_label FROM conversations WHERE id = ?',
    ).get(args.id) as
      | {
          id: string;
          kind: ConversationKind;
          title: string | null;
          role_address_id: string | null;
          role_address_name: string | null;
          created_at: number;
          patient_ref: string | null;
          patient_label: string | null;
        }
      | undefined;
    if (!row) return null;
    const participants = (
      sql(
        db,
        'SELECT user_id, display_name, role, department, title FROM participants WHERE conversation_id = ? ORDER BY display_name',
      ).all(args.id) as {
        user_id: string;
        display_name: string;
        role: string | null;
        department: string | null;
        title: string | null;
      }[]
    ).map((p) => ({
      userId: p.user_id,
      displayName: p.display_name,
      role: p.role,
      department: p.department,
      title: p.title,
    }));
    return {
      id: row.id,
      kind: row.kind,
      title: row.title,
      roleAddressId: row.role_address_id,
      roleAddressName: row.role_address_name,
      createdAt: row.created_at,
      patient: row.patient_ref === null ? null : { ref: row.patient_ref, label: row.patient_label },
      participants,
    };
  },

  /** Every role address a stored conversation was sent to, so their names can be asked of the directory again. */
  'conversation.roleAddressIds': (db: Database, _args: Record<string, never>): string[] =>
    (
      sql(db, 'SELECT DISTINCT role_address_id AS id FROM conversations WHERE role_address_id IS NOT NULL').all() as {
        id: string;
      }[]
    ).map((row) => row.id),

  /**
   * One page of the conversation list, newest first, with each one's unread count, highest
   * unread priority and what waits on acknowledgement (each from a partial index). Conversations that share a millisecond (a burst of sends) go in arrival
   * order, newest first, not by their random ids, so the one just sent is at the top.
   */
  'conversation.page': (
    db: Database,
    args: { selfId: string; limit: number; offset: number },
  ): { rows: ConversationListRow[]; total: number } => {
    const rows = sql(
      db,
      `SELECT c.id, c.kind, c.title, c.role_address_id, c.role_address_name, c.last_message_at,
         (SELECT group_concat(display_name, char(31)) FROM (SELECT display_name FROM participants p
            WHERE p.conversation_id = c.id AND p.user_id <> ? ORDER BY display_name)) AS other_names,
         (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in'
            AND m.read_at IS NULL AND m.body IS NOT NULL) AS unread_count,
         (SELECT max(${PRIORITY_RANK}) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in'
            AND m.read_at IS NULL AND m.body IS NOT NULL) AS unread_rank,
         (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in'
            AND m.ack_requested = 1 AND m.acknowledged_at IS NULL AND m.body IS NOT NULL) AS awaiting_in,
         (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out'
            AND m.ack_requested = 1 AND m.acknowledged_at IS NULL AND m.body IS NOT NULL) AS awaiting_out
       FROM conversations c ORDER BY c.last_message_at DESC NULLS LAST, c.rowid DESC LIMIT ? OFFSET ?`,
    ).all(args.selfId, args.limit, args.offset) as {
      id: string;
      kind: ConversationKind;
      title: string | null;
      role_address_id: string | null;
      role_address_name: string | null;
      last_message_at: number | null;
      other_names: string | null;
      unread_count: number;
      unread_rank: number | null;
      awaiting_in: number;
      awaiting_out: number;
    }[];
    const total = (sql(db, 'SELECT count(*) AS n FROM conversations').get() as { n: number }).n;
    return {
      total,
      rows: rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        title: row.title,
        roleAddressId: row.role_address_id,
        roleAddressName: row.role_address_name,
        otherNames: row.other_names === null ? [] : row.other_names.split('\u001f'),
        lastMessageAt: row.last_message_at,
        unreadCount: row.unread_count,
        unreadPriority: row.unread_rank === null ? null : (RANK_TO_PRIORITY[row.unread_rank] ?? null),
        awaitingAcknowledgement: { incoming: row.awaiting_in, outgoing: row.awaiting_out },
      })),
    };
  },
} as const;

export const conversationWrites = {
  /** Creates the conversation if new; refreshes participants' directory details either way. */
  'conversation.ensure': (db: Database, input: ConversationRecord): null => {
    db.transaction(() => upsertConversation(db, input))();
    return null;
  },

  /** The directory's name for a role address (null: it does not know the address); whether any conversation changed. */
  'conversation.nameRoleAddress': (db: Database, args: { addressId: string; name: string | null }): boolean =>
    sql(
      db,
      'UPDATE conversations SET role_address_name = ? WHERE role_address_id = ? AND role_address_name IS NOT ?',
    ).run(args.name, args.addressId, args.name).changes > 0,
} as const;
