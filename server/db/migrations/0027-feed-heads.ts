/**
 * Migration 27: each user's feed numbers its own events (server/relay/feed-store.ts). Until now
 * every append took one global advisory lock so events committed in the order of one global
 * sequence, which serialised every send in the hospital behind one commit at a time. Now a
 * user's next number is in `feed_heads`, whose row an append updates and so holds until commit:
 * appends to the same person still commit in order, appends to different people run side by side.
 *
 * Cursors workstations already hold are global numbers. Every head starts at the global
 * sequence's last value, so each user's next event is numbered above any cursor they can hold,
 * including cursors at events since deleted (recalled, expired). People without events get a
 * head too; one created later starts at 1. The global sequence is then dropped.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0027: Migration = {
  version: 27,
  name: 'feed heads',
  statements: [
    `CREATE TABLE feed_heads (
        user_id text PRIMARY KEY,
        seq bigint NOT NULL CHECK (seq >= 0)
      )`,
    // last_value is 1 on a sequence never used: a head of 1 only skips a number.
    `INSERT INTO feed_heads (user_id, seq)
       SELECT u.user_id, (SELECT last_value FROM feed_events_seq_seq)
       FROM (SELECT user_id FROM accounts UNION SELECT user_id FROM feed_events) AS u`,
    `ALTER TABLE feed_events ALTER COLUMN seq DROP DEFAULT`,
    `DROP SEQUENCE feed_events_seq_seq`,
    `ALTER TABLE feed_events DROP CONSTRAINT feed_events_pkey`,
    `ALTER TABLE feed_events ADD PRIMARY KEY (user_id, seq)`,
    `DROP INDEX feed_events_by_user`,
  ],
};
