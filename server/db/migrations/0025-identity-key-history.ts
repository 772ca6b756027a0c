/**
 * Migration 25: the history of every person's identity keys (server/directory/key-history-store.ts).
 * `identities` holds only the keys a person has now: a password reset removes them and the next
 * sign-in publishes new ones, so without a history nobody could show later which key signed a
 * message accepted before the change. Each distinct key pair published is a row here, with the
 * server's time it was published; rows are never changed or removed (the audit tables' trigger,
 * and the runtime role's grants, server/db/runtime-role.ts), and a reset leaves them.
 *
 * The backfill takes each person's keys as `identities` has them, from the time they were
 * published (a client publishes only at a first sign-in or the first after a reset, so that is
 * when these keys began). Keys replaced before this migration were never recorded and stay unknown.
 *
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0025: Migration = {
  version: 25,
  name: 'identity key history',
  statements: [
    `CREATE TABLE identity_key_history (
        id bigserial PRIMARY KEY,
        user_id text NOT NULL REFERENCES accounts (user_id),
        signing_key text NOT NULL,
        encryption_key text NOT NULL,
        fingerprint text NOT NULL,
        published_at bigint NOT NULL
      )`,
    `CREATE TRIGGER identity_key_history_append_only BEFORE UPDATE OR DELETE ON identity_key_history FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    `CREATE TRIGGER identity_key_history_no_truncate BEFORE TRUNCATE ON identity_key_history FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    `CREATE INDEX identity_key_history_by_user ON identity_key_history (user_id, id)`,
    `INSERT INTO identity_key_history (user_id, signing_key, encryption_key, fingerprint, published_at)
      SELECT user_id, signing_key, encryption_key, fingerprint, published_at FROM identities ORDER BY published_at, user_id`,
  ],
};
