/**
 * What a test server's database holds of attachment blobs, read straight from the tables once
 * the server is closed (PGlite is one process's; PostgreSQL could be read live, but both are
 * read the same way so one assertion covers both): each blob's row and its chunks put together.
 */
import { openDatabase } from '../../server/db/open-database';
import type { TestServer } from './server-fixtures';

export interface StoredBlob {
  readonly blobId: string;
  readonly ownerId: string;
  readonly size: number;
  readonly completed: boolean;
  readonly messageId: string | null;
  /** The chunks in order, concatenated. */
  readonly bytes: Buffer;
}

/** Closes the server (it stays closed) and reads every blob. */
export async function storedBlobs(target: TestServer): Promise<Map<string, StoredBlob>> {
  await target.close();
  const db = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  try {
    const rows = await db.query<{
      blob_id: string;
      owner_id: string;
      size: number;
      completed: boolean;
      message_id: string | null;
    }>('SELECT blob_id, owner_id, size, completed, message_id FROM blobs');
    const chunks = await db.query<{ blob_id: string; data: Uint8Array }>(
      'SELECT blob_id, data FROM blob_chunks ORDER BY blob_id, seq',
    );
    const bytesOf = (blobId: string) =>
      Buffer.concat(chunks.filter((chunk) => chunk.blob_id === blobId).map((chunk) => Buffer.from(chunk.data)));
    const orphans = chunks.filter((chunk) => !rows.some((row) => row.blob_id === chunk.blob_id));
    if (orphans.length > 0) throw new Error('chunks without a blob');
    return new Map(
      rows.map((row) => [
        row.blob_id,
        {
          blobId: row.blob_id,
          ownerId: row.owner_id,
          size: row.size,
          completed: row.completed,
          messageId: row.message_id,
          bytes: bytesOf(row.blob_id),
        },
      ]),
    );
  } finally {
    await db.close();
  }
}
