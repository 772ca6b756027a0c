/**
 * Migration 16: on-call shifts of role addresses. Who of an address's members is on call, from
 * when to when, and who backs them up. A shift names members only: both people refer to
 * role_members, so the database itself refuses a shift naming someone outside the roster, and
 * removing a member (role-address-admin.ts) clears them from shifts in the same transaction.
 * Released: never edited once databases in service have run it; a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0016: Migration = {
  version: 16,
  name: 'on-call shifts of role addresses',
  statements: [
    // Times are epoch milliseconds, half-open [starts_at, ends_at); a shift lasts at most 7 days.
    // Overlaps are allowed (a handover), so "on call now" may name two people.
    `CREATE TABLE role_shifts (
        shift_id uuid PRIMARY KEY,
        address_id text NOT NULL,
        user_id text NOT NULL,
        backup_user_id text,
        starts_at bigint NOT NULL,
        ends_at bigint NOT NULL,
        source text NOT NULL CHECK (source IN ('manual', 'ics', 'csv')),
        created_at bigint NOT NULL,
        CHECK (ends_at > starts_at AND ends_at - starts_at <= 604800000),
        CHECK (backup_user_id IS NULL OR backup_user_id <> user_id),
        FOREIGN KEY (address_id, user_id) REFERENCES role_members (address_id, user_id) ON DELETE CASCADE,
        FOREIGN KEY (address_id, backup_user_id) REFERENCES role_members (address_id, user_id)
      )`,
    `CREATE INDEX role_shifts_by_address_start ON role_shifts (address_id, starts_at)`,
    // "Who is on call now" over every address a directory answer lists.
    `CREATE INDEX role_shifts_by_address_end ON role_shifts (address_id, ends_at)`,
  ],
};
