/**
 * Migration 24: server-side message retention (server/retention/). Envelopes accepted before the
 * organisation's bound are deleted by a daily run in batches, taken in acceptance order by a
 * keyset cursor: the index on (accepted_at, message_id) serves exactly that walk. One row says
 * which run holds the job (a lease with a fencing holder, timed by the database's clock, which
 * every instance shares) and when the last run finished (by the server's clock, as its bound
 * is). Each run is an admin event: the columns added there carry the bound's days and how many
 * attachment blobs went with the envelopes (`affected` and `received_before` hold the envelope
 * count and the cutoff, as for an audit purge).
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0024: Migration = {
  version: 24,
  name: 'message retention',
  statements: [
    `CREATE INDEX envelopes_by_acceptance ON envelopes (accepted_at, message_id)`,
    `CREATE TABLE message_retention_lease (
        id smallint PRIMARY KEY CHECK (id = 1),
        holder uuid NOT NULL,
        expires_at bigint NOT NULL,
        last_completed_at bigint
      )`,
    `ALTER TABLE admin_events ADD COLUMN retention_days integer CHECK (retention_days IS NULL OR retention_days > 0)`,
    `ALTER TABLE admin_events ADD COLUMN blobs_affected bigint CHECK (blobs_affected IS NULL OR blobs_affected >= 0)`,
  ],
};
