/**
 * Migration 4: siem forwarding cursor, batch lookup, server audit chain.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0004: Migration = {
  version: 4,
  name: 'siem forwarding cursor, batch lookup, server audit chain',
  statements: [
    // The next audit tree index to forward to the SIEM (server/siem/siem-relay.ts): one row, so
    // forwarding resumes where it stopped after a restart.
    `CREATE TABLE siem_cursor (id integer PRIMARY KEY CHECK (id = 1), next_index bigint NOT NULL)`,
    // A workstation's chain end (every audit batch) and the relay's batch per record.
    `CREATE INDEX audit_batches_by_workstation ON audit_batches (workstation_id, last_seq)`,
    // The last account_events row folded into the server's own audit chain (server/audit/server-trail.ts).
    `CREATE TABLE audit_server_cursor (id integer PRIMARY KEY CHECK (id = 1), last_event bigint NOT NULL)`,
  ],
};
