/**
 * Migration 12: workstations as IT sees them (last contact, app version, last name and user) and their revocation.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0012: Migration = {
  version: 12,
  name: 'workstations as IT sees them (last contact, app version, last name and user) and their revocation',
  statements: [
    // Set by every request the device's key proves (sign-in, refresh, audit batch): sessions are
    // swept a day after they end, and a workstation's last contact must outlive them.
    `ALTER TABLE devices ADD COLUMN last_contact_at bigint`,
    // What the client said it runs (the `wardline-version` header); null until it says.
    `ALTER TABLE devices ADD COLUMN app_version text`,
    // The name and the person of its latest sign-in, kept past the session itself.
    `ALTER TABLE devices ADD COLUMN last_device_name text`,
    `ALTER TABLE devices ADD COLUMN last_user_id text`,
    // Set once by IT (server/admin/workstation-admin.ts): from then on the device's key opens
    // nothing, and never again.
    `ALTER TABLE devices ADD COLUMN revoked_at bigint`,
    `UPDATE devices d SET last_device_name = s.device_name, last_user_id = s.user_id, last_contact_at = s.last_seen_at
     FROM (SELECT DISTINCT ON (device_id) device_id, device_name, user_id,
             max(last_seen_at) OVER (PARTITION BY device_id) AS last_seen_at
           FROM sessions ORDER BY device_id, created_at DESC) s
     WHERE s.device_id = d.device_id`,
  ],
};
