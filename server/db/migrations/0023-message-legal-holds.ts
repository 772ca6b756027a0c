/**
 * Migration 23: legal holds on messages (server/holds/). A compliance officer holds a custodian
 * (every message they sent or were a recipient of) or a conversation, for a named matter with a
 * reason code. The rule lives here, in the database, so that no path can forget it: recall,
 * expiry, retention and any cascade all go through these triggers.
 *
 * - A held envelope's row is never deleted: the BEFORE DELETE trigger skips it (RETURN NULL), so
 *   its recipients, receipts and blobs, which go only by cascade or by the blob trigger, stay.
 *   The queries that serve messages already leave expired rows out, so recipients still see it
 *   go at its expiry.
 * - A recall of a held envelope still empties `envelope_json` (nobody is served it), but the
 *   trigger moves the JSON to `held_json` first, and the blob trigger keeps its attachments.
 * - Placing a hold takes the exclusive form of an advisory lock that every trigger takes shared
 *   before it looks: a delete that began before the hold finishes first, and none that follows can
 *   miss it (READ COMMITTED gives each statement in a function a fresh snapshot).
 * - Holds are append-only rows, placed and released, like audit_legal_holds.
 *
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

/** The advisory lock between placing a hold and the triggers (server/holds/message-hold-store.ts). */
export const MESSAGE_HOLD_LOCK_ID = 0x48_4f_4c_44;

export const MIGRATION_0023: Migration = {
  version: 23,
  name: 'legal holds on messages',
  statements: [
    `CREATE TABLE message_holds (
        id bigserial PRIMARY KEY,
        hold_id uuid NOT NULL,
        event text NOT NULL CHECK (event IN ('placed', 'released')),
        custodian_id text,
        conversation_id uuid,
        matter text CHECK (matter IS NULL OR char_length(matter) BETWEEN 1 AND 120),
        reason_code text CHECK (reason_code IS NULL OR reason_code ~ '^[a-z][a-z-]{1,39}$'),
        at bigint NOT NULL,
        actor text NOT NULL,
        UNIQUE (hold_id, event),
        CHECK (event = 'released' OR ((custodian_id IS NULL) <> (conversation_id IS NULL) AND matter IS NOT NULL AND reason_code IS NOT NULL))
      )`,
    `CREATE TRIGGER message_holds_append_only BEFORE UPDATE OR DELETE ON message_holds FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    `CREATE TRIGGER message_holds_no_truncate BEFORE TRUNCATE ON message_holds FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    `ALTER TABLE envelopes ADD COLUMN held_json text`,
    // Whether a hold in force covers the message: its sender, any recipient (escalation steps'
    // people included once reached) or its conversation.
    `CREATE FUNCTION message_under_hold(p_message_id uuid, p_sender_id text, p_conversation_id uuid) RETURNS boolean
      LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${String(MESSAGE_HOLD_LOCK_ID)});
        RETURN EXISTS (
          SELECT 1 FROM message_holds placed
          WHERE placed.event = 'placed'
            AND NOT EXISTS (SELECT 1 FROM message_holds released WHERE released.hold_id = placed.hold_id AND released.event = 'released')
            AND (placed.conversation_id = p_conversation_id
              OR placed.custodian_id = p_sender_id
              OR placed.custodian_id IN (SELECT r.user_id FROM envelope_recipients r WHERE r.message_id = p_message_id)));
      END
      $fn$`,
    `CREATE FUNCTION envelope_keep_held() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF message_under_hold(OLD.message_id, OLD.sender_id, OLD.conversation_id) THEN
          RETURN NULL;
        END IF;
        RETURN OLD;
      END
      $fn$`,
    `CREATE TRIGGER envelopes_keep_held BEFORE DELETE ON envelopes FOR EACH ROW EXECUTE FUNCTION envelope_keep_held()`,
    `CREATE FUNCTION envelope_recall_keep_held() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF message_under_hold(OLD.message_id, OLD.sender_id, OLD.conversation_id) THEN
          NEW.held_json := OLD.envelope_json;
        END IF;
        RETURN NEW;
      END
      $fn$`,
    `CREATE TRIGGER envelopes_recall_keep_held BEFORE UPDATE OF envelope_json ON envelopes FOR EACH ROW
      WHEN (OLD.envelope_json IS NOT NULL AND NEW.envelope_json IS NULL) EXECUTE FUNCTION envelope_recall_keep_held()`,
    `CREATE FUNCTION blob_keep_held() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF OLD.message_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM envelopes e WHERE e.message_id = OLD.message_id
            AND message_under_hold(e.message_id, e.sender_id, e.conversation_id)) THEN
          RETURN NULL;
        END IF;
        RETURN OLD;
      END
      $fn$`,
    `CREATE TRIGGER blobs_keep_held BEFORE DELETE ON blobs FOR EACH ROW EXECUTE FUNCTION blob_keep_held()`,
    `CREATE INDEX message_holds_by_hold ON message_holds (hold_id)`,
    `CREATE INDEX envelopes_by_sender ON envelopes (sender_id, accepted_at)`,
    `CREATE INDEX envelopes_held ON envelopes (message_id) WHERE held_json IS NOT NULL`,
  ],
};
