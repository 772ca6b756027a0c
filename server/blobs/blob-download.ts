/**
 * A download: whether the caller may read the blob (blob-store.ts `readableBlobSize`: its
 * uploader, or the people its message reached), then its chunks one at a time, so serving a
 * large blob holds one chunk in memory. A blob the caller may not read is NOT_FOUND, exactly as
 * one that does not exist: the answer never confirms that a guessed id is real.
 *
 * A blob deleted while it is being read (its message recalled) ends the stream with an error
 * short of the announced length, which the client sees as a failed download, never as a file.
 */
import { blobId as blobIdSchema } from '../../shared/protocol/blob-api';
import type { Database } from '../db/database';
import { fail, succeed, type Outcome } from '../outcome';
import { heldBlobSize } from '../holds/message-hold-store';
import { blobChunk, readableBlobSize } from './blob-store';

export interface OpenedBlob {
  readonly size: number;
  readonly chunks: AsyncIterable<Uint8Array>;
}

class BlobVanished extends Error {
  constructor() {
    super('The blob was deleted while it was read.');
    this.name = 'BlobVanished';
  }
}

async function* chunksOf(db: Database, blobId: string, size: number): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for (let seq = 0; sent < size; seq += 1) {
    const chunk = await blobChunk(db, blobId, seq);
    if (chunk === null || chunk.byteLength === 0) throw new BlobVanished();
    sent += chunk.byteLength;
    yield chunk;
  }
}

export async function openBlob(
  deps: { readonly db: Database; readonly clock: () => number },
  userId: string,
  requestedId: string,
): Promise<Outcome<OpenedBlob>> {
  return openIf(deps.db, requestedId, () => readableBlobSize(deps.db, requestedId, userId, deps.clock()));
}

/**
 * A compliance officer's download (message-hold-api.ts): a blob of a message a legal hold in
 * force covers, recalled or expired ones included, since that is what the hold kept them for.
 */
export async function openHeldBlob(deps: { readonly db: Database }, requestedId: string): Promise<Outcome<OpenedBlob>> {
  return openIf(deps.db, requestedId, () => heldBlobSize(deps.db, requestedId));
}

async function openIf(
  db: Database,
  requestedId: string,
  readableSize: () => Promise<number | null>,
): Promise<Outcome<OpenedBlob>> {
  // Any id that is not a blob id (another case, a path, a probe) is a blob nobody has.
  if (!blobIdSchema.safeParse(requestedId).success) return fail('NOT_FOUND');
  const size = await readableSize();
  if (size === null) return fail('NOT_FOUND');
  return succeed({ size, chunks: chunksOf(db, requestedId, size) });
}
