/**
 * Attachment blobs as the database holds them (migration 21): a row per blob (owner, size,
 * whether its upload finished, the message that claimed it) and its bytes in numbered chunks.
 * Every rule that another request could race is one statement here, or a statement under a
 * lock: a pending blob is claimed by exactly one send, an owner's pending count and bytes never
 * pass their bounds however many uploads start at once, and a chunk is never added to a blob
 * that was deleted, finished, or would grow past what it reserved.
 */
import { ComposedStatement, gatedBy } from '../db/composed-statement';
import type { Database, Queryable } from '../db/database';
import type { BlobLimits } from './blob-limits';

/** Arbitrary, fixed: the advisory lock class under which one owner's new blobs are counted (with the owner's hash). */
const BLOB_QUOTA_LOCK_CLASS = 0x42_4c_4f_42;

export interface NewBlob {
  readonly blobId: string;
  readonly ownerId: string;
  /** The most bytes the upload may bring: its declared length, or the largest blob if it declared none. */
  readonly reserved: number;
  readonly createdAt: number;
}

/**
 * Adds an empty, unfinished blob if its owner's pending blobs (unclaimed, finished or not) stay
 * within the limits with it; false if they would not. Counted under a lock per owner, so twenty
 * uploads at once cannot all see room for one more.
 */
export async function createBlob(db: Database, blob: NewBlob, limits: BlobLimits): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [BLOB_QUOTA_LOCK_CLASS, blob.ownerId]);
    const rows = await tx.query(
      `INSERT INTO blobs (blob_id, owner_id, reserved, created_at)
       SELECT $1, $2, $3::bigint, $4
       FROM (SELECT count(*) AS blobs, coalesce(sum(reserved), 0) AS bytes
             FROM blobs WHERE owner_id = $2 AND message_id IS NULL) AS pending
       WHERE pending.blobs < $5::bigint AND pending.bytes + $3::bigint <= $6::bigint
       RETURNING blob_id`,
      [blob.blobId, blob.ownerId, blob.reserved, blob.createdAt, limits.maxPendingBlobs, limits.maxPendingBytes],
    );
    return rows.length > 0;
  });
}

/**
 * Appends chunk `seq` to an unfinished blob, growing its size, in one statement: false (nothing
 * written) if the blob is gone (deleted by housekeeping, or by the upload's own failure),
 * finished, or the chunk would take it past what it reserved.
 */
export async function appendChunk(db: Queryable, blobId: string, seq: number, data: Uint8Array): Promise<boolean> {
  const rows = await db.query(
    `WITH grown AS (
       UPDATE blobs SET size = size + $3::bigint
       WHERE blob_id = $1 AND NOT completed AND size + $3::bigint <= reserved RETURNING blob_id)
     INSERT INTO blob_chunks (blob_id, seq, data) SELECT blob_id, $2, $4 FROM grown RETURNING seq`,
    [blobId, seq, data.byteLength, data],
  );
  return rows.length > 0;
}

/** Marks the upload finished, its reservation shrunk to what it holds; its size, or null if it is gone. */
export async function completeBlob(db: Queryable, blobId: string): Promise<number | null> {
  const rows = await db.query<{ size: number }>(
    `UPDATE blobs SET completed = true, reserved = size WHERE blob_id = $1 AND NOT completed RETURNING size`,
    [blobId],
  );
  return rows[0]?.size ?? null;
}

/** Deletes a blob and its chunks (an upload that failed, or was refused midway). */
export async function deleteBlob(db: Queryable, blobId: string): Promise<void> {
  await db.query('DELETE FROM blobs WHERE blob_id = $1', [blobId]);
}

/**
 * Claims every listed blob for the message (if `gate` has its row), locking them in id order so
 * two sends naming overlapping blobs wait for each other instead of deadlocking: only the
 * owner's own finished blobs that no message has claimed. Unless every one is claimed, the whole
 * statement is refused with `refusal`, which releases any it did claim.
 */
export function claimBlobsPart(
  s: ComposedStatement,
  gate: string | null,
  claim: { readonly messageId: string; readonly ownerId: string; readonly blobIds: readonly string[] },
  refusal: string,
): void {
  const blobIds = [...new Set(claim.blobIds)];
  const locked = s.with(
    'blobs_locked',
    `SELECT blob_id FROM ${gatedBy(gate)}blobs WHERE blob_id = ANY(${s.param(blobIds)}::uuid[]) ORDER BY blob_id FOR UPDATE OF blobs`,
  );
  const claimed = s.with(
    'blobs_claimed',
    `UPDATE blobs b SET message_id = ${s.param(claim.messageId)} FROM ${locked}
     WHERE b.blob_id = ${locked}.blob_id AND b.owner_id = ${s.param(claim.ownerId)} AND b.completed AND b.message_id IS NULL
     RETURNING b.blob_id`,
  );
  const gated = gate === null ? 'true' : `EXISTS (SELECT 1 FROM ${gate})`;
  s.refuseIf(`${gated} AND (SELECT count(*) FROM ${claimed}) <> ${s.param(blobIds.length)}`, refusal);
}

/** Deletes the blobs a message claimed (its recall): chunks and rows. */
export async function deleteMessageBlobs(tx: Queryable, messageId: string): Promise<number> {
  const rows = await tx.query('DELETE FROM blobs WHERE message_id = $1 RETURNING blob_id', [messageId]);
  return rows.length;
}

/** Deletes blobs no message claimed that were begun at or before `before`, finished or not. */
export async function deleteStalePendingBlobs(db: Queryable, before: number): Promise<number> {
  const rows = await db.query('DELETE FROM blobs WHERE message_id IS NULL AND created_at <= $1 RETURNING blob_id', [
    before,
  ]);
  return rows.length;
}

/**
 * The size of a finished blob `userId` may read at `now`, or null. Unclaimed: its owner only.
 * Claimed: whoever may read its message in `history`, the sender and the people it reached
 * (an escalation step's people once released), while the message is neither recalled nor expired.
 */
export async function readableBlobSize(
  db: Queryable,
  blobId: string,
  userId: string,
  now: number,
): Promise<number | null> {
  const rows = await db.query<{ size: number }>(
    `SELECT b.size FROM blobs b
     WHERE b.blob_id = $1 AND b.completed AND (
       (b.message_id IS NULL AND b.owner_id = $2)
       OR EXISTS (
         SELECT 1 FROM envelopes e
         WHERE e.message_id = b.message_id AND e.envelope_json IS NOT NULL
           AND (e.expires_at IS NULL OR e.expires_at > $3)
           AND (e.sender_id = $2
             OR EXISTS (SELECT 1 FROM envelope_recipients r WHERE r.message_id = e.message_id AND r.user_id = $2))))`,
    [blobId, userId, now],
  );
  return rows[0]?.size ?? null;
}

/** Chunk `seq` of a blob, or null if it is not there (the blob was deleted while being read). */
export async function blobChunk(db: Queryable, blobId: string, seq: number): Promise<Uint8Array | null> {
  const rows = await db.query<{ data: Uint8Array }>('SELECT data FROM blob_chunks WHERE blob_id = $1 AND seq = $2', [
    blobId,
    seq,
  ]);
  const data = rows[0]?.data;
  // PostgreSQL's driver answers a Buffer, PGlite a Uint8Array: both are bytes.
  return data instanceof Uint8Array ? data : null;
}
