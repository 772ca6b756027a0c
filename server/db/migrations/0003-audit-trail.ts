/**
 * Migration 3: tamper-evident audit trail.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0003: Migration = {
  version: 3,
  name: 'tamper-evident audit trail',
  statements: [
    // Leaves of the RFC 6962 tree, one per record in tree order: never updated or deleted, so
    // the tree can always be rebuilt and proven, even for records past retention.
    `CREATE TABLE audit_leaves (
        tree_index bigint PRIMARY KEY,
        leaf_hash text NOT NULL
      )`,
    // The records themselves: the canonical text that was hashed, plus its fields as columns
    // for compliance search. Ids, codes and times only (shared/audit/audit-event.ts).
    `CREATE TABLE audit_records (
        tree_index bigint PRIMARY KEY REFERENCES audit_leaves (tree_index),
        workstation_id uuid NOT NULL,
        seq bigint NOT NULL,
        at bigint NOT NULL,
        actor_user_id text,
        actor_role text,
        action text NOT NULL,
        object_kind text NOT NULL,
        object_id text,
        conversation_id uuid,
        patient text,
        outcome text NOT NULL,
        reason text,
        record text NOT NULL,
        previous_hash text NOT NULL,
        hash text NOT NULL,
        received_at bigint NOT NULL,
        UNIQUE (workstation_id, seq)
      )`,
    `CREATE INDEX audit_records_by_at ON audit_records (at)`,
    `CREATE INDEX audit_records_by_actor ON audit_records (actor_user_id, at)`,
    `CREATE INDEX audit_records_by_patient ON audit_records (patient, at) WHERE patient IS NOT NULL`,
    `CREATE INDEX audit_records_by_conversation ON audit_records (conversation_id, at) WHERE conversation_id IS NOT NULL`,
    // Each batch as the workstation signed it: the export carries these so a verifier can
    // check every device signature offline.
    `CREATE TABLE audit_batches (
        id bigserial PRIMARY KEY,
        workstation_id uuid NOT NULL,
        first_seq bigint NOT NULL,
        last_seq bigint NOT NULL,
        previous_hash text NOT NULL,
        last_hash text NOT NULL,
        signature text NOT NULL,
        device_public_key text NOT NULL,
        received_at bigint NOT NULL
      )`,
    `CREATE TABLE audit_tree_heads (
        tree_size bigint PRIMARY KEY,
        signed_at bigint NOT NULL,
        root_hash text NOT NULL,
        signature text NOT NULL
      )`,
    // A gap, a fork, a bad signature: kept and shown to compliance officers.
    `CREATE TABLE audit_alerts (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        workstation_id uuid,
        kind text NOT NULL,
        seq bigint,
        UNIQUE (workstation_id, kind, seq)
      )`,
    `CREATE TABLE audit_legal_holds (
        id bigserial PRIMARY KEY,
        hold_id uuid NOT NULL,
        event text NOT NULL CHECK (event IN ('placed', 'released')),
        user_id text,
        at bigint NOT NULL,
        actor text NOT NULL
      )`,
    // Append-only, enforced by the database for every role that connects (the server's own
    // included): no UPDATE, DELETE or TRUNCATE, except deleting a record's content once it is
    // older than six years and under no legal hold. Its leaf stays.
    `CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'audit rows are append-only (%)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END
      $fn$`,
    `CREATE FUNCTION audit_record_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF OLD.at >= (extract(epoch FROM clock_timestamp()) * 1000)::bigint - 189345600000 THEN
          RAISE EXCEPTION 'audit records are kept at least six years' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF EXISTS (
          SELECT 1 FROM audit_legal_holds placed
          WHERE placed.event = 'placed' AND (placed.user_id IS NULL OR placed.user_id = OLD.actor_user_id)
            AND NOT EXISTS (SELECT 1 FROM audit_legal_holds released WHERE released.event = 'released' AND released.hold_id = placed.hold_id)
        ) THEN
          RAISE EXCEPTION 'audit record under legal hold' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
      END
      $fn$`,
    ...['audit_leaves', 'audit_batches', 'audit_tree_heads', 'audit_alerts', 'audit_legal_holds'].flatMap((table) => [
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    ]),
    `CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    `CREATE TRIGGER audit_records_retention BEFORE DELETE ON audit_records FOR EACH ROW EXECUTE FUNCTION audit_record_delete()`,
    `CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    // account_events joins the trail too: what is recorded there is never changed either.
    `CREATE TRIGGER account_events_append_only BEFORE UPDATE OR DELETE ON account_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
  ],
};
