/**
 * Migration 14: remote wipe. The commands IT queues for workstations, and who ever signed in at
 * which workstation under what name (sessions are deleted a day after they end, so they cannot
 * say which workstations hold a person's vault, or what a workstation not used for a week is called).
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0014: Migration = {
  version: 14,
  name: 'remote wipe commands and the workstations each person signed in at',
  statements: [
    // One row per command: signed at queuing by the audit key over its fixed fields, delivered
    // at the workstation's first fetch, done once (the report is on the server's chain).
    `CREATE TABLE device_commands (
        command_id uuid PRIMARY KEY,
        device_id uuid NOT NULL REFERENCES devices (device_id),
        kind text NOT NULL CHECK (kind IN ('wipe-workstation', 'wipe-user')),
        user_id text,
        issued_by text NOT NULL,
        issued_at bigint NOT NULL,
        signature text NOT NULL,
        delivered_at bigint,
        done_at bigint,
        outcome text CHECK (outcome IN ('wiped', 'wiped-audit-kept')),
        audit_synced boolean,
        CHECK ((kind = 'wipe-user') = (user_id IS NOT NULL)),
        CHECK ((done_at IS NULL) = (outcome IS NULL) AND (done_at IS NULL) = (audit_synced IS NULL))
      )`,
    // At most one command of a kind (and person) waits per workstation: a second click queues nothing.
    `CREATE UNIQUE INDEX device_commands_one_pending ON device_commands (device_id, kind, (COALESCE(user_id, ''))) WHERE done_at IS NULL`,
    `CREATE INDEX device_commands_by_device ON device_commands (device_id, issued_at)`,
    // Written at every sign-in (session-store.ts); the name is the one the latest sign-in gave.
    `CREATE TABLE device_users (
        device_id uuid NOT NULL REFERENCES devices (device_id),
        user_id text NOT NULL,
        device_name text,
        last_signed_in_at bigint NOT NULL,
        PRIMARY KEY (device_id, user_id)
      )`,
    `CREATE INDEX device_users_by_user ON device_users (user_id)`,
    // What sessions are still held say it with names; the server's record of every session it
    // issued (served_events, kept with the trail) says it without, for the older ones.
    `INSERT INTO device_users (device_id, user_id, device_name, last_signed_in_at)
       SELECT DISTINCT ON (device_id, user_id) device_id, user_id, device_name, created_at
       FROM sessions ORDER BY device_id, user_id, created_at DESC`,
    `INSERT INTO device_users (device_id, user_id, device_name, last_signed_in_at)
       SELECT d.device_id, e.user_id, NULL, max(e.at)
       FROM (SELECT object::jsonb ->> 'workstationId' AS workstation, object::jsonb ->> 'userId' AS user_id, at
             FROM served_events WHERE action = 'session.issued') e
       JOIN devices d ON d.device_id::text = e.workstation
       WHERE e.user_id IS NOT NULL
       GROUP BY d.device_id, e.user_id
       ON CONFLICT (device_id, user_id) DO NOTHING`,
  ],
};
