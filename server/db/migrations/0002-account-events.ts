/**
 * Migration 2: account and session events.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0002: Migration = {
  version: 2,
  name: 'account and session events',
  statements: [
    // Who ended whose access, when: kept for audit (issue 6 carries it into the audit trail).
    `CREATE TABLE account_events (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target_user_id text NOT NULL,
        sessions_ended integer NOT NULL DEFAULT 0
      )`,
    `CREATE INDEX account_events_by_target ON account_events (target_user_id, id)`,
  ],
};
