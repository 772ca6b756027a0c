/**
 * Migration 15: the SIEM forwarding lease, so that exactly one server instance forwards the audit
 * trail at a time (server/siem/siem-lease-store.ts).
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0015: Migration = {
  version: 15,
  name: 'siem forwarding lease',
  statements: [
    // One row: which instance forwards (a random id per start), its term (bumped at every
    // takeover, the fencing token the cursor advance checks) and until when, in the database's
    // clock (milliseconds), so instances' clocks never have to agree.
    `CREATE TABLE siem_forwarder_lease (
        id integer PRIMARY KEY CHECK (id = 1),
        holder uuid NOT NULL,
        epoch bigint NOT NULL CHECK (epoch > 0),
        expires_at bigint NOT NULL
      )`,
  ],
};
