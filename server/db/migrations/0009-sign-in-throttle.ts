/**
 * Migration 9: sign-in throttle: consecutive failures with growing waits and a hard lock; refresh proofs spent once.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0009: Migration = {
  version: 9,
  name: 'sign-in throttle: consecutive failures with growing waits and a hard lock; refresh proofs spent once',
  statements: [
    // Counted per key since its last success (server/accounts/attempt-throttle.ts): the time of
    // the last attempt sets the next one's wait, and a hard lock is recorded once, when it starts.
    `ALTER TABLE auth_throttle RENAME COLUMN window_started_at TO last_attempt_at`,
    `ALTER TABLE auth_throttle DROP COLUMN locked_until`,
    `ALTER TABLE auth_throttle ADD COLUMN locked_at bigint`,
    // A refresh proof's digest once used, until the proof is stale anyway (server/accounts/device-proof.ts).
    `CREATE TABLE spent_device_proofs (
        digest text PRIMARY KEY,
        expires_at bigint NOT NULL
      )`,
    `CREATE INDEX spent_device_proofs_by_expiry ON spent_device_proofs (expires_at)`,
  ],
};
