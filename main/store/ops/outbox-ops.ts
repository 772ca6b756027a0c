/**
 * The outbox: sealed envelopes waiting for the server, oldest first. An entry leaves it when the
 * server accepts or finally refuses it; one sealed to a key its recipient no longer has is held
 * until the clinician accepts the new key and it is sealed again.
 */
import type { Database } from 'better-sqlite3';
import { sql } from '../statement-cache';

export interface OutboxEntry {
  readonly id: string;
  readonly conversationId: string;
  readonly envelope: Uint8Array;
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
}

export const outboxReads = {
  /** What may be sent (everything not held for a key change), or with `held`, what is held; oldest first. */
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
} as const;

export const outboxWrites = {
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
} as const;
