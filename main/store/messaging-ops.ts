/**
 * Store operations for end-to-end messaging: conversations as the list shows them, incoming and
 * outgoing messages, the outbox, receipts, expiry, and pinned contact keys. Like store-ops.ts,
 * they run synchronously inside the store worker.
 */
import type { Database } from 'better-sqlite3';
import { sql } from './statement-cache';
import type { PatientContext } from '../../shared/protocol/envelope';
import type { Priority } from './store-ops';

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
}

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
}

export interface OutboxEntry {
  readonly id: string;
  readonly conversationId: string;
  readonly envelope: Uint8Array;
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
}

export interface ContactKeyRecord {
  readonly userId: string;
  readonly encryptionKey: string;
  readonly signingKey: string;
  readonly fingerprint: string;
  readonly pendingFingerprint: string | null;
  readonly pendingEncryptionKey: string | null;
  readonly pendingSigningKey: string | null;
}

const PRIORITY_RANK = "CASE priority WHEN 'stat' THEN 3 WHEN 'urgent' THEN 2 ELSE 1 END";

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
}

const STORED_COLUMNS = `m.id, m.conversation_id, m.sender_id, m.direction, m.sent_at, m.priority, m.expires_at,
  m.recalled_at, m.expired_at, m.send_state, m.recipient_count, m.body,
  (SELECT o.held FROM outbox o WHERE o.id = m.id) AS held,
  (SELECT count(*) FROM receipts r WHERE r.message_id = m.id AND r.delivered_at IS NOT NULL) AS delivered_count,
  (SELECT count(*) FROM receipts r WHERE r.message_id = m.id AND r.read_at IS NOT NULL) AS read_count`;

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
  };
}

function upsertConversation(db: Database, input: ConversationRecord): void {
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

function touchConversation(db: Database, conversationId: string, at: number): void {
  sql(
    db,
    'UPDATE conversations SET last_message_at = max(coalesce(last_message_at, 0), ?), updated_at = ? WHERE id = ?',
  ).run(at, at, conversationId);
}

export const messagingOps = {
  /** Creates the conversation if new; refreshes participants' directory details either way. */
  'conversation.ensure': (db: Database, input: ConversationRecord): null => {
    db.transaction(() => upsertConversation(db, input))();
    return null;
  },

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

  /** The directory's name for a role address (null: it does not know the address); whether any conversation changed. */
  'conversation.nameRoleAddress': (db: Database, args: { addressId: string; name: string | null }): boolean =>
    sql(
      db,
      'UPDATE conversations SET role_address_name = ? WHERE role_address_id = ? AND role_address_name IS NOT ?',
    ).run(args.name, args.addressId, args.name).changes > 0,

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
            AND m.read_at IS NULL AND m.body IS NOT NULL) AS unread_rank
       FROM conversations c ORDER BY c.last_message_at DESC NULLS LAST, c.id LIMIT ? OFFSET ?`,
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
    }[];
    const total = (sql(db, 'SELECT count(*) AS n FROM conversations').get() as { n: number }).n;
    const rankToPriority: Record<number, Priority> = { 1: 'routine', 2: 'urgent', 3: 'stat' };
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
        unreadPriority: row.unread_rank === null ? null : (rankToPriority[row.unread_rank] ?? null),
      })),
    };
  },

  /** Stores a decrypted message once: a message seen again (push and fetch overlap) is ignored. */
  'message.receive': (
    db: Database,
    input: { conversation: ConversationRecord; message: IncomingMessage },
  ): { inserted: boolean } => {
    return db.transaction(() => {
      upsertConversation(db, input.conversation);
      const m = input.message;
      const inserted =
        sql(
          db,
          `INSERT INTO messages (id, conversation_id, sender_id, sent_at, received_at, priority, expires_at, envelope, body,
             direction, send_state, recipient_count)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
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
        ).changes === 1;
      if (inserted) touchConversation(db, m.conversationId, m.sentAt);
      return { inserted };
    })();
  },

  /** The message shown at once as pending, and its sealed envelope queued: one transaction. */
  'message.queueOutgoing': (
    db: Database,
    input: {
      conversation: ConversationRecord;
      message: {
        id: string;
        senderId: string;
        sentAt: number;
        priority: Priority;
        expiresAt: number | null;
        recipientCount: number;
        body: string;
      };
      envelope: Uint8Array;
    },
  ): null => {
    db.transaction(() => {
      upsertConversation(db, input.conversation);
      const m = input.message;
      sql(
        db,
        `INSERT INTO messages (id, conversation_id, sender_id, sent_at, received_at, priority, expires_at, envelope, body,
           direction, send_state, recipient_count)
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, 'out', 'pending', ?)`,
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
      );
      sql(
        db,
        `INSERT INTO outbox (id, conversation_id, idempotency_key, envelope, created_at, attempts, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, 0, NULL)`,
      ).run(m.id, input.conversation.id, m.id, Buffer.from(input.envelope), m.sentAt);
      touchConversation(db, input.conversation.id, m.sentAt);
    })();
    return null;
  },

  /** What may be sent: everything not held for a key change, oldest first. */
  'outbox.list': (db: Database, args: { limit: number; held?: boolean }): OutboxEntry[] =>
    (
      sql(
        db,
        'SELECT id, conversation_id, envelope, attempts, next_attempt_at FROM outbox WHERE held = ? ORDER BY created_at, id LIMIT ?',
      ).all(args.held === true ? 1 : 0, args.limit) as {
        id: string;
        conversation_id: string;
        envelope: Buffer;
        attempts: number;
        next_attempt_at: number | null;
      }[]
    ).map((row) => ({
      id: row.id,
      conversationId: row.conversation_id,
      envelope: new Uint8Array(row.envelope),
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
    })),

  /** The server has it (new or duplicate): leave the outbox, show as sent. */
  'outbox.accepted': (db: Database, args: { id: string }): null => {
    db.transaction(() => {
      sql(db, 'DELETE FROM outbox WHERE id = ?').run(args.id);
      sql(db, "UPDATE messages SET send_state = 'sent' WHERE id = ? AND send_state = 'pending'").run(args.id);
    })();
    return null;
  },

  'outbox.retryLater': (db: Database, args: { id: string; errorCode: string; nextAttemptAt: number }): null => {
    sql(db, 'UPDATE outbox SET attempts = attempts + 1, last_error_code = ?, next_attempt_at = ? WHERE id = ?').run(
      args.errorCode,
      args.nextAttemptAt,
      args.id,
    );
    return null;
  },

  /** Sealed to a key the recipient no longer has: kept, not sent, until resealed. */
  'outbox.hold': (db: Database, args: { id: string }): null => {
    sql(db, 'UPDATE outbox SET held = 1, attempts = attempts + 1 WHERE id = ?').run(args.id);
    return null;
  },

  /** Sealed again to the keys now accepted: sent next, as if just queued. */
  'outbox.reseal': (db: Database, args: { id: string; envelope: Uint8Array }): null => {
    db.transaction(() => {
      const envelope = Buffer.from(args.envelope);
      sql(db, 'UPDATE outbox SET envelope = ?, held = 0, attempts = 0, next_attempt_at = NULL WHERE id = ?').run(
        envelope,
        args.id,
      );
      sql(db, 'UPDATE messages SET envelope = ? WHERE id = ?').run(envelope, args.id);
    })();
    return null;
  },

  /** The server refused it for good (e.g. a recipient deactivated): shown as failed, kept for the sender. */
  'outbox.rejected': (db: Database, args: { id: string }): null => {
    db.transaction(() => {
      sql(db, 'DELETE FROM outbox WHERE id = ?').run(args.id);
      sql(db, "UPDATE messages SET send_state = 'failed' WHERE id = ?").run(args.id);
    })();
    return null;
  },

  'receipt.record': (
    db: Database,
    args: { messageId: string; userId: string; kind: 'delivered' | 'read'; at: number },
  ): { conversationId: string | null } => {
    return db.transaction(() => {
      const message = sql(db, 'SELECT conversation_id FROM messages WHERE id = ?').get(args.messageId) as
        { conversation_id: string } | undefined;
      if (!message) return { conversationId: null };
      // Read implies delivered: a read receipt may overtake its delivery receipt.
      sql(
        db,
        `INSERT INTO receipts (message_id, user_id, delivered_at, read_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (message_id, user_id) DO UPDATE SET
           delivered_at = coalesce(receipts.delivered_at, excluded.delivered_at),
           read_at = coalesce(receipts.read_at, excluded.read_at)`,
      ).run(args.messageId, args.userId, args.at, args.kind === 'read' ? args.at : null);
      return { conversationId: message.conversation_id };
    })();
  },

  /** Marks every unread incoming message of the conversation read; answers their ids for receipts. */
  /** Incoming messages not yet read, in every conversation (the taskbar badge); uses messages_unread. */
  'message.unreadCount': (db: Database, _args: Record<string, never>): number =>
    (
      sql(
        db,
        "SELECT count(*) AS n FROM messages WHERE direction = 'in' AND read_at IS NULL AND body IS NOT NULL",
      ).get() as { n: number }
    ).n,

  /** Incoming messages not yet read, whose text is still here: what opening the thread will show. */
  'conversation.unread': (db: Database, args: { conversationId: string }): string[] =>
    (
      sql(
        db,
        "SELECT id FROM messages WHERE conversation_id = ? AND direction = 'in' AND read_at IS NULL AND body IS NOT NULL ORDER BY seq",
      ).all(args.conversationId) as { id: string }[]
    ).map((row) => row.id),

  /**
   * Marks read exactly `ids` (which the caller has recorded in the audit trail first), plus any
   * unread message whose text is already gone (nothing of it is shown); answers the ids of `ids`
   * that were unread. A message that arrived after the list was taken stays unread.
   */
  'conversation.markRead': (
    db: Database,
    args: { conversationId: string; ids: readonly string[]; at: number },
  ): string[] =>
    db.transaction(() => {
      const listed = JSON.stringify(args.ids);
      const ids = (
        sql(
          db,
          "SELECT id FROM messages WHERE conversation_id = ? AND direction = 'in' AND read_at IS NULL AND id IN (SELECT value FROM json_each(?)) ORDER BY seq",
        ).all(args.conversationId, listed) as { id: string }[]
      ).map((row) => row.id);
      sql(
        db,
        `UPDATE messages SET read_at = ? WHERE conversation_id = ? AND direction = 'in' AND read_at IS NULL
           AND (body IS NULL OR id IN (SELECT value FROM json_each(?)))`,
      ).run(args.at, args.conversationId, listed);
      return ids;
    })(),

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

  /** Removes bodies (and envelopes) past their expiry; answers the conversations touched. */
  /** Expires what is due; answers which messages expired (the audit trail records each). */
  /** Messages whose expiry has come and whose text is still here, without touching them. */
  'message.dueToExpire': (db: Database, args: { now: number }): { id: string; conversationId: string }[] =>
    (
      sql(
        db,
        'SELECT id, conversation_id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? AND expired_at IS NULL ORDER BY seq',
      ).all(args.now) as { id: string; conversation_id: string }[]
    ).map((row) => ({ id: row.id, conversationId: row.conversation_id })),

  /**
   * Removes the text of exactly `ids` (listed by message.dueToExpire and recorded by the caller
   * first) if their expiry has come; answers those it expired.
   */
  'message.expire': (
    db: Database,
    args: { ids: readonly string[]; now: number },
  ): { id: string; conversationId: string }[] =>
    db.transaction(() => {
      const listed = JSON.stringify(args.ids);
      const rows = sql(
        db,
        `SELECT id, conversation_id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? AND expired_at IS NULL
           AND id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
      ).all(args.now, listed) as { id: string; conversation_id: string }[];
      sql(
        db,
        `UPDATE messages SET body = NULL, envelope = NULL, expired_at = ?
         WHERE expires_at IS NOT NULL AND expires_at <= ? AND expired_at IS NULL AND id IN (SELECT value FROM json_each(?))`,
      ).run(args.now, args.now, listed);
      sql(db, 'DELETE FROM outbox WHERE id IN (SELECT id FROM messages WHERE expired_at IS NOT NULL)').run();
      return rows.map((row) => ({ id: row.id, conversationId: row.conversation_id }));
    })(),

  'contactKey.get': (db: Database, args: { userId: string }): ContactKeyRecord | null => {
    const row = sql(
      db,
      `SELECT user_id, encryption_key, signing_key, fingerprint, pending_fingerprint, pending_encryption_key, pending_signing_key
       FROM contact_keys WHERE user_id = ?`,
    ).get(args.userId) as
      | {
          user_id: string;
          encryption_key: Buffer;
          signing_key: Buffer;
          fingerprint: string;
          pending_fingerprint: string | null;
          pending_encryption_key: Buffer | null;
          pending_signing_key: Buffer | null;
        }
      | undefined;
    if (!row) return null;
    return {
      userId: row.user_id,
      encryptionKey: row.encryption_key.toString('base64'),
      signingKey: row.signing_key.toString('base64'),
      fingerprint: row.fingerprint,
      pendingFingerprint: row.pending_fingerprint,
      pendingEncryptionKey: row.pending_encryption_key?.toString('base64') ?? null,
      pendingSigningKey: row.pending_signing_key?.toString('base64') ?? null,
    };
  },

  /** First sight of a contact's keys: pinned as they are (trust on first use). */
  'contactKey.pin': (
    db: Database,
    args: { userId: string; encryptionKey: string; signingKey: string; fingerprint: string; at: number },
  ): null => {
    sql(
      db,
      `INSERT INTO contact_keys (user_id, encryption_key, signing_key, fingerprint, first_seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO NOTHING`,
    ).run(
      args.userId,
      Buffer.from(args.encryptionKey, 'base64'),
      Buffer.from(args.signingKey, 'base64'),
      args.fingerprint,
      args.at,
    );
    return null;
  },

  /** The directory now shows other keys than the pinned ones: held until the clinician accepts. */
  'contactKey.setPending': (
    db: Database,
    args: { userId: string; encryptionKey: string; signingKey: string; fingerprint: string; at: number },
  ): null => {
    sql(
      db,
      `UPDATE contact_keys SET pending_encryption_key = ?, pending_signing_key = ?, pending_fingerprint = ?, changed_at = ?
       WHERE user_id = ? AND fingerprint <> ?`,
    ).run(
      Buffer.from(args.encryptionKey, 'base64'),
      Buffer.from(args.signingKey, 'base64'),
      args.fingerprint,
      args.at,
      args.userId,
      args.fingerprint,
    );
    return null;
  },

  'contactKey.accept': (db: Database, args: { userId: string; at: number }): boolean =>
    sql(
      db,
      `UPDATE contact_keys SET encryption_key = pending_encryption_key, signing_key = pending_signing_key,
         fingerprint = pending_fingerprint, verified_at = NULL, changed_at = ?,
         pending_encryption_key = NULL, pending_signing_key = NULL, pending_fingerprint = NULL
       WHERE user_id = ? AND pending_fingerprint IS NOT NULL`,
    ).run(args.at, args.userId).changes === 1,
} as const;
