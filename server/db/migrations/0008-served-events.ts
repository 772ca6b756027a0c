/**
 * Migration 8: what the server serves joins its audit chain: sessions, envelopes accepted, history, audit searches.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0008: Migration = {
  version: 8,
  name: 'what the server serves joins its audit chain: sessions, envelopes accepted, history, audit searches',
  statements: [
    // The outbox of server/audit/served-events.ts: the record's fields, its object as the
    // catalogue's canonical JSON; folded into the server's chain in id order.
    `CREATE TABLE served_events (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        actor_user_id text,
        action text NOT NULL,
        object text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
        reason text
      )`,
    `CREATE TRIGGER served_events_append_only BEFORE UPDATE OR DELETE ON served_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    `CREATE TRIGGER served_events_no_truncate BEFORE TRUNCATE ON served_events FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    `ALTER TABLE audit_server_cursor ADD COLUMN last_served_event bigint NOT NULL DEFAULT 0`,
    // Intake checks each person-record against that person's sessions on the workstation.
    `CREATE INDEX sessions_by_device_user ON sessions (device_id, user_id, created_at)`,
  ],
};
