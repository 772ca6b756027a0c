/**
 * Migration 21: attachment blobs (shared/protocol/blob-api.ts), opaque ciphertext the server
 * holds for a message. A blob is a row and its bytes are 1 MiB chunks in rows of their own, in
 * the database so that every instance on one PostgreSQL serves every blob and PGlite does the
 * same. `message_id` is null until a send names the blob (then it follows its envelope: deleted
 * with it on expiry by the cascade, and explicitly on recall, which keeps the envelope's row).
 * `reserved` is what an upload counts against its owner's pending bytes until it completes.
 *
 * The chunks are `bytea`, unlike the base64 text of other binary values: blobs are up to a
 * hundred mebibytes, and both drivers return bytea as bytes (a Buffer or a Uint8Array), which the
 * store reads the same way. Stored EXTERNAL: ciphertext does not compress, so PostgreSQL need
 * not try.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0021: Migration = {
  version: 21,
  name: 'attachment blobs',
  statements: [
    `CREATE TABLE blobs (
        blob_id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        size bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
        reserved bigint NOT NULL CHECK (reserved >= size),
        created_at bigint NOT NULL,
        completed boolean NOT NULL DEFAULT false,
        message_id uuid REFERENCES envelopes (message_id) ON DELETE CASCADE,
        CHECK (message_id IS NULL OR completed)
      )`,
    `CREATE INDEX blobs_pending_by_owner ON blobs (owner_id) WHERE message_id IS NULL`,
    `CREATE INDEX blobs_pending_by_age ON blobs (created_at) WHERE message_id IS NULL`,
    `CREATE INDEX blobs_by_message ON blobs (message_id) WHERE message_id IS NOT NULL`,
    `CREATE TABLE blob_chunks (
        blob_id uuid NOT NULL REFERENCES blobs (blob_id) ON DELETE CASCADE,
        seq integer NOT NULL CHECK (seq >= 0),
        data bytea NOT NULL,
        PRIMARY KEY (blob_id, seq)
      )`,
    `ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL`,
  ],
};
