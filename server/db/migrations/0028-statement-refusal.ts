/**
 * Migration 28: `wardline_refuse(code)`, which a composed statement calls to undo everything it
 * did and answer why (server/db/composed-statement.ts). A send is one statement since this
 * migration, not a transaction of eight round trips; a send naming a blob it may not claim
 * is refused this way, with nothing stored.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0028: Migration = {
  version: 28,
  name: 'statement refusal',
  statements: [
    `CREATE FUNCTION wardline_refuse(code text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN
        RAISE EXCEPTION USING ERRCODE = 'WL001', MESSAGE = code;
      END
      $fn$`,
  ],
};
