/**
 * Migration 26: message retention by role address (server/retention/). An envelope whose signed
 * header names a role address keeps it in `role_address` (checked at `send`,
 * server/relay/role-address-tag.ts); a role address may have a retention bound of its own in
 * days (null: the organisation's, server option `messageRetentionDays`), in the same range as
 * that bound. The retention run walks each address's envelopes by the partial index in
 * acceptance order, as migration 24's index serves the organisation's walk; envelopes stored
 * before this migration name no address and keep the organisation's bound. A run's record says
 * how many addresses had a bound of their own (`role_address_bounds`).
 * No foreign key to role_addresses: the tag is what the sender signed, kept as signed; an address
 * that no longer exists has no bound of its own, and its envelopes fall back to the organisation's.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0026: Migration = {
  version: 26,
  name: 'role address retention',
  statements: [
    `ALTER TABLE envelopes ADD COLUMN role_address text`,
    `CREATE INDEX envelopes_by_role_address ON envelopes (role_address, accepted_at, message_id)
        WHERE role_address IS NOT NULL`,
    // The range of shared/protocol/retention-days.ts, checked at the route too.
    `ALTER TABLE role_addresses ADD COLUMN retention_days integer
        CHECK (retention_days IS NULL OR (retention_days >= 30 AND retention_days <= 36500))`,
    `ALTER TABLE admin_events ADD COLUMN role_address_bounds integer
        CHECK (role_address_bounds IS NULL OR role_address_bounds >= 0)`,
  ],
};
