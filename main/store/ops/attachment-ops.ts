/**
 * Attachments in the vault (schema-v8.ts, schema-v9.ts): stored with their message in its own
 * transaction, listed for a thread, fetched in the background, and opened. The bytes are in a
 * file beside the vault (attachment-files.ts); a row names it and holds its key. Recall and expiry
 * remove thumbnails, keys and file names by trigger, listing the files for main to unlink, so
 * nothing here has to remember to.
 */
import type { Database } from 'better-sqlite3';
import type { SealedMediaType } from '../../../shared/protocol/attachment';
import { sql } from '../statement-cache';

export type AttachmentState = 'ready' | 'fetching' | 'failed' | 'removed';
export type AttachmentProblem = 'unreachable' | 'damaged' | 'gone';

/** An attachment as its message's sealed body describes it, and, for the sender's own copy, its bytes. */
export interface AttachmentRecord {
  /** The server's blob id. */
  readonly id: string;
  readonly fileName: string;
  readonly mediaType: SealedMediaType;
  readonly size: number;
  readonly sha256: Uint8Array;
  readonly key: Uint8Array;
  readonly width: number | null;
  readonly height: number | null;
  /** The sender's own copy is stored ready (its file written); a received one is fetched later. */
  readonly content?: { readonly file: string; readonly thumbnail: Uint8Array | null };
  /** A received one's thumbnail from the sender's preview, shown while its file is fetched. */
  readonly thumbnail?: Uint8Array | null;
}

export interface AttachmentSummary {
  readonly id: string;
  readonly messageId: string;
  readonly fileName: string;
  readonly mediaType: SealedMediaType;
  readonly size: number;
  readonly state: AttachmentState;
  readonly problem: AttachmentProblem | null;
  readonly thumbnail: Uint8Array | null;
}

/** A ready attachment's file and what opens and checks it. */
export interface StoredAttachment {
  readonly fileName: string;
  readonly mediaType: SealedMediaType;
  readonly file: string;
  readonly key: Uint8Array;
  readonly size: number;
  readonly sha256: Uint8Array;
  readonly conversationId: string;
}

/** What the fetcher needs to download, decrypt and check one. */
export interface AttachmentToFetch {
  readonly id: string;
  readonly messageId: string;
  readonly mediaType: SealedMediaType;
  readonly size: number;
  readonly sha256: Uint8Array;
  readonly key: Uint8Array;
  readonly attempts: number;
  /** It has a thumbnail already (from the sender's preview): the fetcher need not make one. */
  readonly hasThumbnail: boolean;
}

interface SummaryRow {
  id: string;
  message_id: string;
  file_name: string;
  media_type: SealedMediaType;
  size_bytes: number;
  state: AttachmentState;
  problem: AttachmentProblem | null;
  thumbnail: Buffer | null;
}

const bytes = (value: Buffer | null): Uint8Array | null => (value === null ? null : new Uint8Array(value));

const thumbnailOf = (a: AttachmentRecord): Buffer | null => {
  const thumbnail = a.content === undefined ? (a.thumbnail ?? null) : a.content.thumbnail;
  return thumbnail === null ? null : Buffer.from(thumbnail);
};

/** Inside the caller's transaction: a message's attachments, in order. */
export function insertAttachments(db: Database, messageId: string, list: readonly AttachmentRecord[]): void {
  list.forEach((a, position) => {
    sql(
      db,
      `INSERT INTO attachments (id, message_id, file_name, media_type, size_bytes, sha256, content_key, position,
         state, width, height, thumbnail, content_file)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ).run(
      a.id,
      messageId,
      a.fileName,
      a.mediaType,
      a.size,
      Buffer.from(a.sha256),
      Buffer.from(a.key),
      position,
      a.content === undefined ? 'fetching' : 'ready',
      a.width,
      a.height,
      thumbnailOf(a),
      a.content?.file ?? null,
    );
  });
}

export const attachmentReads = {
  /** The attachments of these messages, without their bytes, in each message's order. */
  'attachment.forMessages': (db: Database, args: { messageIds: readonly string[] }): AttachmentSummary[] =>
    (
      sql(
        db,
        `SELECT id, message_id, file_name, media_type, size_bytes, state, problem, thumbnail FROM attachments
         WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, position`,
      ).all(JSON.stringify(args.messageIds)) as SummaryRow[]
    ).map((row) => ({
      id: row.id,
      messageId: row.message_id,
      fileName: row.file_name,
      mediaType: row.media_type,
      size: row.size_bytes,
      state: row.state,
      problem: row.problem,
      thumbnail: bytes(row.thumbnail),
    })),

  /**
   * Where one ready attachment of a message that is still here rests, and what opens and checks
   * it: null when there is no such attachment, it is not fetched yet, or its message was recalled
   * or has expired (even if the sweeper has not reached it: `now`).
   */
  'attachment.stored': (
    db: Database,
    args: { messageId: string; attachmentId: string; now: number },
  ): StoredAttachment | null => {
    const row = sql(
      db,
      `SELECT a.file_name, a.media_type, a.content_file, a.content_key, a.size_bytes, a.sha256, m.conversation_id
         FROM attachments a JOIN messages m ON m.id = a.message_id
       WHERE a.id = ? AND a.message_id = ? AND a.state = 'ready' AND a.content_file IS NOT NULL
         AND m.recalled_at IS NULL AND m.expired_at IS NULL AND (m.expires_at IS NULL OR m.expires_at > ?)`,
    ).get(args.attachmentId, args.messageId, args.now) as
      | {
          file_name: string;
          media_type: SealedMediaType;
          content_file: string;
          content_key: Buffer;
          size_bytes: number;
          sha256: Buffer;
          conversation_id: string;
        }
      | undefined;
    return row === undefined
      ? null
      : {
          fileName: row.file_name,
          mediaType: row.media_type,
          file: row.content_file,
          key: new Uint8Array(row.content_key),
          size: row.size_bytes,
          sha256: new Uint8Array(row.sha256),
          conversationId: row.conversation_id,
        };
  },

  /** Files whose rows let them go (recall, expiry, a deleted message), for main to unlink. */
  'attachment.discardedFiles': (db: Database, args: { limit: number }): string[] =>
    (sql(db, 'SELECT name FROM attachment_files_discarded LIMIT ?').all(args.limit) as { name: string }[]).map(
      (row) => row.name,
    ),

  /** Every file a row still names: the orphan sweep keeps these. */
  'attachment.filesInUse': (db: Database, _args: Record<string, never>): string[] =>
    (
      sql(db, 'SELECT content_file FROM attachments WHERE content_file IS NOT NULL').all() as { content_file: string }[]
    ).map((row) => row.content_file),

  /** Attachments waiting to be fetched whose time has come, oldest message first. */
  'attachment.dueToFetch': (db: Database, args: { now: number; limit: number }): AttachmentToFetch[] =>
    (
      sql(
        db,
        `SELECT a.id, a.message_id, a.media_type, a.size_bytes, a.sha256, a.content_key, a.attempts,
           a.thumbnail IS NOT NULL AS has_thumbnail FROM attachments a
           JOIN messages m ON m.id = a.message_id
         WHERE a.state = 'fetching' AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= ?)
         ORDER BY m.seq, a.position LIMIT ?`,
      ).all(args.now, args.limit) as {
        id: string;
        message_id: string;
        media_type: SealedMediaType;
        size_bytes: number;
        sha256: Buffer;
        content_key: Buffer;
        attempts: number;
        has_thumbnail: 0 | 1;
      }[]
    ).map((row) => ({
      id: row.id,
      messageId: row.message_id,
      mediaType: row.media_type,
      size: row.size_bytes,
      sha256: new Uint8Array(row.sha256),
      key: new Uint8Array(row.content_key),
      attempts: row.attempts,
      hasThumbnail: row.has_thumbnail === 1,
    })),

  /** When the next fetch is due (0: now; null: none waits), so the fetcher can sleep until then. */
  'attachment.nextFetchAt': (db: Database, _args: Record<string, never>): { dueAt: number } | null => {
    const row = sql(
      db,
      "SELECT MIN(COALESCE(next_attempt_at, 0)) AS at FROM attachments WHERE state = 'fetching'",
    ).get() as { at: number | null };
    return row.at === null ? null : { dueAt: row.at };
  },
} as const;

export const attachmentWrites = {
  /**
   * Fetched, checked and written to `file`: ready with its thumbnail (null: keep the one it has,
   * from the sender's preview), unless a recall or expiry removed it meanwhile (false: the caller
   * unlinks the file).
   */
  'attachment.fetched': (db: Database, args: { id: string; file: string; thumbnail: Uint8Array | null }): boolean =>
    sql(
      db,
      `UPDATE attachments SET state = 'ready', problem = NULL, thumbnail = COALESCE(?, thumbnail), content_file = ?,
         next_attempt_at = NULL
       WHERE id = ? AND state = 'fetching'`,
    ).run(args.thumbnail === null ? null : Buffer.from(args.thumbnail), args.file, args.id).changes === 1,

  /**
   * A ready attachment whose file is gone or damaged (a disk error, a crash before the write
   * reached the disk): its file let go, it waits to be fetched again. Only while it still names
   * that file, so a stale report changes nothing.
   */
  'attachment.refetch': (db: Database, args: { id: string; file: string }): boolean =>
    db.transaction(() => {
      const changed =
        sql(
          db,
          `UPDATE attachments SET state = 'fetching', problem = NULL, attempts = 0, next_attempt_at = NULL, content_file = NULL
           WHERE id = ? AND state = 'ready' AND content_file = ?`,
        ).run(args.id, args.file).changes === 1;
      if (changed) sql(db, 'INSERT OR IGNORE INTO attachment_files_discarded (name) VALUES (?)').run(args.file);
      return changed;
    })(),

  /** Main unlinked these files. */
  'attachment.filesRemoved': (db: Database, args: { names: readonly string[] }): null => {
    sql(db, 'DELETE FROM attachment_files_discarded WHERE name IN (SELECT value FROM json_each(?))').run(
      JSON.stringify(args.names),
    );
    return null;
  },

  /**
   * A fetch that failed: tried again at `retryAt`, or given up (`retryAt` null) with the reason
   * the thread shows. Only while it is still waiting: a removed one stays removed.
   */
  'attachment.fetchFailed': (
    db: Database,
    args: { id: string; problem: AttachmentProblem; retryAt: number | null },
  ): null => {
    sql(
      db,
      `UPDATE attachments SET attempts = attempts + 1, problem = ?, next_attempt_at = ?,
         state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'fetching' END
       WHERE id = ? AND state = 'fetching'`,
    ).run(args.problem, args.retryAt, args.retryAt, args.id);
    return null;
  },

  /** The clinician asked to try one that failed again: it waits to be fetched at once. */
  'attachment.retry': (db: Database, args: { messageId: string; attachmentId: string }): boolean =>
    sql(
      db,
      `UPDATE attachments SET state = 'fetching', problem = NULL, attempts = 0, next_attempt_at = NULL
       WHERE id = ? AND message_id = ? AND state = 'failed'`,
    ).run(args.attachmentId, args.messageId).changes === 1,
} as const;
