/**
 * Migration 18: acknowledgements (shared/protocol/acknowledgement.ts), one per recipient and
 * message, kept with their signature so they can be served again; the escalation alerts a STAT
 * message's signed plan schedules (shared/protocol/escalation.ts); and what their feed events
 * carry (a quick reply, a step). Deleted with their envelope.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0018: Migration = {
  version: 18,
  name: 'acknowledgement and escalation',
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
    // One row per alert the plan schedules (alertTimes): a step (its index) or a re-alert (null).
    // done_at: released, or cancelled by an acknowledgement or a recall.
    `CREATE TABLE escalation_alerts (
        message_id uuid NOT NULL REFERENCES envelopes (message_id) ON DELETE CASCADE,
        seq integer NOT NULL,
        step integer,
        due_at bigint NOT NULL,
        done_at bigint,
        PRIMARY KEY (message_id, seq)
      )`,
    `CREATE INDEX escalation_alerts_due ON escalation_alerts (due_at) WHERE done_at IS NULL`,
    `ALTER TABLE feed_events ADD COLUMN step integer`,
  ],
};
