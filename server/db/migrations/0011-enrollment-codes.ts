/**
 * Migration 11: accounts IT creates without a password, and the one-time enrollment codes with
 * which their people set one (after creation, or after a password reset).
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0011: Migration = {
  version: 11,
  name: 'enrollment codes and accounts without a password yet',
  statements: [
    // Null until the person redeems their enrollment code: no password signs in to such an account.
    `ALTER TABLE accounts ALTER COLUMN auth_key_hash DROP NOT NULL`,
    // At most one outstanding code per account; the code itself is never stored, only its digest.
    `CREATE TABLE enrollment_codes (
        user_id text PRIMARY KEY REFERENCES accounts (user_id),
        code_digest text NOT NULL,
        purpose text NOT NULL,
        issued_by text NOT NULL,
        issued_at bigint NOT NULL,
        expires_at bigint NOT NULL
      )`,
  ],
};
