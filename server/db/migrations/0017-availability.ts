/**
 * Migration 17: clinicians' availability (server/directory/availability-store.ts). One row per
 * person who is not Available; Available is the absence of a row, and an expired row reads as
 * Available (the answering clock decides), so nothing needs to sweep. Version 16 is another
 * change's (on-call schedules); migrate.ts applies whichever versions a database lacks.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0017: Migration = {
  version: 17,
  name: 'availability',
  statements: [
    // No free text: an enumerated state, a time and, off duty only, a covering colleague who is
    // not the person themselves.
    `CREATE TABLE availability (
        user_id text PRIMARY KEY REFERENCES accounts(user_id),
        state text NOT NULL CHECK (state IN ('busy', 'dnd', 'off-duty')),
        until_at bigint NOT NULL,
        cover_user_id text REFERENCES accounts(user_id),
        set_at bigint NOT NULL,
        CHECK (cover_user_id IS NULL OR state = 'off-duty'),
        CHECK (cover_user_id IS NULL OR cover_user_id <> user_id)
      )`,
  ],
};
