/**
 * Migration 10: when each session last proved its person (password and second factor): at sign-in,
 * and again at each re-authentication before a destructive admin action.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0010: Migration = {
  version: 10,
  name: 'when each session last proved its person',
  statements: [
    // Null in sessions opened before this version: their sign-in (created_at) is the last proof.
    `ALTER TABLE sessions ADD COLUMN authenticated_at bigint`,
  ],
};
