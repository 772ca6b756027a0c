/**
 * Migration 5: admin actions outbox for the server audit chain.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0005: Migration = {
  version: 5,
  name: 'admin actions outbox for the server audit chain',
  statements: [
    // Every administrative action other than an access change (those are account_events): who
    // did what to which object, and for a purge how many records received before when. Ids,
    // codes and numbers only. Written in the transaction of the change it records, folded into
    // the server's audit chain afterwards (server/audit/server-trail.ts), never changed.
    `CREATE TABLE admin_events (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target_user_id text,
        subject text,
        affected bigint,
        received_before bigint,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
        reason text
      )`,
    `CREATE TRIGGER admin_events_append_only BEFORE UPDATE OR DELETE ON admin_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    `CREATE TRIGGER admin_events_no_truncate BEFORE TRUNCATE ON admin_events FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    `CREATE TRIGGER account_events_no_truncate BEFORE TRUNCATE ON account_events FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    `ALTER TABLE audit_server_cursor ADD COLUMN last_admin_event bigint NOT NULL DEFAULT 0`,
  ],
};
