/**
 * Migration 18: acknowledgements (shared/protocol/acknowledgement.ts), one per recipient and
 * message, kept with their signature so they can be served again; and the quick reply a feed
 * event carries. Deleted with their envelope.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0018: Migration = {
  version: 18,
  name: 'message acknowledgements',
  statements: [
    `CREATE TABLE message_acknowledgements (
        message_id uuid NOT NULL REFERENCES envelopes (message_id) ON DELETE CASCADE,
        user_id text NOT NULL,
        reply text,
        acknowledged_at bigint NOT NULL,
        signature text NOT NULL,
        accepted_at bigint NOT NULL,
        PRIMARY KEY (message_id, user_id)
      )`,
    `ALTER TABLE feed_events ADD COLUMN reply text`,
  ],
};
