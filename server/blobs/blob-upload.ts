/**
 * An upload: the bytes as they arrive, stored in BLOB_CHUNK_BYTES chunks, so a hundred-mebibyte
 * file costs the server one chunk of memory and never a whole body. The blob's row comes first
 * (which is where the owner's pending limits are checked), each full chunk is written as it
 * fills, and the blob is marked finished at the end. Anything that stops it midway (the caller
 * hanging up, too many bytes, a database fault) deletes what was written: a blob is whole or not
 * there. Only a finished blob can be read or claimed by a send, so a crash mid-upload leaves
 * an unfinished row that nothing uses and housekeeping deletes.
 */
import { randomUUID } from 'node:crypto';
import type { BlobUploadResponse } from '../../shared/protocol/blob-api';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { fail, succeed, type Outcome } from '../outcome';
import type { BlobLimits } from './blob-limits';
import { appendChunk, completeBlob, createBlob, deleteBlob } from './blob-store';

/** One row of bytes: large enough that a big file is few rows, small enough to hold in memory per upload. */
export const BLOB_CHUNK_BYTES = 1024 * 1024;

export interface BlobDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly limits: BlobLimits;
  /** Blob ids (tests may fix them); random UUIDs otherwise. */
  readonly newBlobId?: () => string;
}

/** What is known of the body before it is read: its declared length, if it declared one. */
export function uploadAdmission(
  declaredLength: number | null,
  limits: BlobLimits,
): Outcome<{ readonly reserved: number }> {
  if (declaredLength === null) return succeed({ reserved: limits.maxBlobBytes });
  if (declaredLength > limits.maxBlobBytes) return fail('PAYLOAD_TOO_LARGE');
  // Nothing that encrypts a file makes zero bytes of ciphertext.
  if (declaredLength === 0) return fail('MALFORMED_REQUEST');
  return succeed({ reserved: declaredLength });
}

class UploadRefused extends Error {
  constructor(readonly outcome: Outcome<never>) {
    super('upload refused');
  }
}

/**
 * Cuts arriving pieces into full chunks (the last may be short). A body that fails (the caller
 * hung up) is a refusal like any other: the blob goes, and nothing is logged as a fault.
 */
async function* chunked(body: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let buffer = Buffer.allocUnsafe(BLOB_CHUNK_BYTES);
  let filled = 0;
  let total = 0;
  try {
    for await (const piece of body) {
      total += piece.byteLength;
      // Checked on the bytes themselves: a body without a declared length can still run past the maximum.
      if (total > limit) throw new UploadRefused(fail('PAYLOAD_TOO_LARGE'));
      let offset = 0;
      while (offset < piece.byteLength) {
        const taken = Math.min(BLOB_CHUNK_BYTES - filled, piece.byteLength - offset);
        buffer.set(piece.subarray(offset, offset + taken), filled);
        filled += taken;
        offset += taken;
        if (filled === BLOB_CHUNK_BYTES) {
          yield buffer;
          buffer = Buffer.allocUnsafe(BLOB_CHUNK_BYTES);
          filled = 0;
        }
      }
    }
  } catch (error) {
    if (error instanceof UploadRefused) throw error;
    throw new UploadRefused(fail('MALFORMED_REQUEST'));
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

export async function receiveBlob(
  deps: BlobDeps,
  ownerId: string,
  declaredLength: number | null,
  body: AsyncIterable<Uint8Array>,
): Promise<Outcome<BlobUploadResponse>> {
  const admitted = uploadAdmission(declaredLength, deps.limits);
  if (!admitted.ok) return admitted;
  const { reserved } = admitted.value;
  const blobId = (deps.newBlobId ?? randomUUID)();
  const created = await createBlob(deps.db, { blobId, ownerId, reserved, createdAt: deps.clock() }, deps.limits);
  if (!created) return fail('BLOB_QUOTA_EXCEEDED');
  try {
    let seq = 0;
    for await (const chunk of chunked(body, reserved)) {
      // Deleted meanwhile (housekeeping, after a very long upload): nothing more to write to.
      if (!(await appendChunk(deps.db, blobId, seq, chunk))) throw new UploadRefused(fail('NOT_FOUND'));
      seq += 1;
    }
    if (seq === 0) throw new UploadRefused(fail('MALFORMED_REQUEST'));
    const size = await completeBlob(deps.db, blobId);
    if (size === null) throw new UploadRefused(fail('NOT_FOUND'));
    return succeed({ blobId, size });
  } catch (error) {
    await deleteBlob(deps.db, blobId);
    if (error instanceof UploadRefused) return error.outcome;
    throw error;
  }
}
