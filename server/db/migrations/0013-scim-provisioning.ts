/**
 * Migration 13: provisioning from the hospital directory by SCIM 2.0 (server/scim/). The bearer
 * tokens IT issues the directory, kept only as digests; the directory's own id for each person it
 * provisions (SCIM `externalId`); and an index that lets a person's last change be read from the
 * admin outbox (SCIM `meta.lastModified`) without scanning it.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0013: Migration = {
  version: 13,
  name: 'SCIM provisioning tokens and external ids',
  statements: [
    // The token is never stored: its SHA-256 is what a request's token is looked up by.
    `CREATE TABLE scim_tokens (
        token_id text PRIMARY KEY,
        token_digest text NOT NULL UNIQUE,
        label text NOT NULL,
        issued_by text NOT NULL,
        issued_at bigint NOT NULL,
        last_used_at bigint,
        revoked_at bigint,
        revoked_by text
      )`,
    // Set by the directory, opaque to Wardline, returned as it was given.
    `ALTER TABLE accounts ADD COLUMN external_id text`,
    `CREATE INDEX admin_events_by_target ON admin_events (target_user_id, id)`,
  ],
};
