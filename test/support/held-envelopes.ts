/**
 * What a closed test server holds that an eDiscovery export would carry: every envelope still
 * stored, the signing keys its senders published, and the attachment blobs' ciphertext, read
 * straight from its database (PGlite is one process's, so the server must be closed first).
 */
import { openDatabase } from '../../server/db/open-database';
import { envelope as envelopeSchema, type Envelope } from '../../shared/protocol/envelope';

export interface HeldByServer {
  readonly envelopes: readonly Envelope[];
  /** Base64 Ed25519 signing key by user id. */
  readonly signingKeys: ReadonlyMap<string, string>;
  /** Each blob's chunks in order, concatenated, by blob id. */
  readonly blobs: ReadonlyMap<string, Buffer>;
}

export async function heldByServer(where: { dataDir: string; databaseUrl?: string }): Promise<HeldByServer> {
  const db = await openDatabase({ dataDir: where.dataDir, databaseUrl: where.databaseUrl });
  try {
    const rows = await db.query<{ envelope_json: string }>(
      'SELECT envelope_json FROM envelopes WHERE envelope_json IS NOT NULL ORDER BY accepted_at',
    );
    const identities = await db.query<{ user_id: string; signing_key: string }>(
      'SELECT user_id, signing_key FROM identities',
    );
    const chunks = await db.query<{ blob_id: string; data: Uint8Array }>(
      'SELECT blob_id, data FROM blob_chunks ORDER BY blob_id, seq',
    );
    const blobs = new Map<string, Buffer>();
    for (const chunk of chunks)
      blobs.set(chunk.blob_id, Buffer.concat([blobs.get(chunk.blob_id) ?? Buffer.alloc(0), Buffer.from(chunk.data)]));
    return {
      envelopes: rows.map((row) => envelopeSchema.parse(JSON.parse(row.envelope_json))),
      signingKeys: new Map(identities.map((row) => [row.user_id, row.signing_key])),
      blobs,
    };
  } finally {
    await db.close();
  }
}
