/**
 * Migration 7: purged audit records leave a stub, and go only when a signed head proves their age.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import { SIX_YEARS_MS } from '../../../shared/audit/retention-window';
import type { Migration } from '../migration';

export const MIGRATION_0007: Migration = {
  version: 7,
  name: 'purged audit records leave a stub, and go only when a signed head proves their age',
  statements: [
    // What stays of a purged record: its place in the tree and in its workstation's chain, and
    // its entry hash, so a full export still verifies every chain and head across the purge.
    // No content: who, what and which object go with the record.
    `CREATE TABLE audit_purged (
        tree_index bigint PRIMARY KEY REFERENCES audit_leaves (tree_index),
        workstation_id uuid NOT NULL,
        seq bigint NOT NULL,
        hash text NOT NULL
      )`,
    `CREATE TRIGGER audit_purged_append_only BEFORE UPDATE OR DELETE ON audit_purged FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    `CREATE TRIGGER audit_purged_no_truncate BEFORE TRUNCATE ON audit_purged FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    // Age by a signed head, not only by received_at (a column anyone with the table could set):
    // a head signed before the bound that covers the record is what an offline verifier sees.
    // The record of a purge is never purged, so every stub stays explained.
    `CREATE OR REPLACE FUNCTION audit_record_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        v_bound bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint - ${String(SIX_YEARS_MS)};
      BEGIN
        IF OLD.received_at >= v_bound
          OR NOT EXISTS (SELECT 1 FROM audit_tree_heads h WHERE h.tree_size > OLD.tree_index AND h.signed_at < v_bound) THEN
          RAISE EXCEPTION 'audit records are kept at least six years' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.object_kind = 'audit-purge' THEN
          RAISE EXCEPTION 'the record of a purge is kept' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF EXISTS (
          SELECT 1 FROM audit_legal_holds placed
          WHERE placed.event = 'placed' AND (placed.user_id IS NULL OR placed.user_id = OLD.actor_user_id)
            AND NOT EXISTS (SELECT 1 FROM audit_legal_holds released WHERE released.event = 'released' AND released.hold_id = placed.hold_id)
        ) THEN
          RAISE EXCEPTION 'audit record under legal hold' USING ERRCODE = 'insufficient_privilege';
        END IF;
        INSERT INTO audit_purged (tree_index, workstation_id, seq, hash) VALUES (OLD.tree_index, OLD.workstation_id, OLD.seq, OLD.hash);
        RETURN OLD;
      END
      $fn$`,
    `CREATE OR REPLACE FUNCTION audit_purge_expired(p_received_before bigint, p_actor text, p_at bigint) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
      DECLARE
        -- Six years before the purge by the database's clock and by the server's (whose time the
        -- purge record and the heads carry), so the verifier's reading of the bound is this one.
        v_bound bigint := LEAST(p_received_before, (extract(epoch FROM clock_timestamp()) * 1000)::bigint - ${String(SIX_YEARS_MS)}, p_at - ${String(SIX_YEARS_MS)});
        v_gone bigint;
      BEGIN
        WITH purged AS (
          DELETE FROM audit_records r WHERE r.received_at < v_bound AND r.object_kind <> 'audit-purge'
            AND EXISTS (SELECT 1 FROM audit_tree_heads h WHERE h.tree_size > r.tree_index AND h.signed_at < v_bound)
            AND NOT EXISTS (
              SELECT 1 FROM audit_legal_holds placed
              WHERE placed.event = 'placed' AND (placed.user_id IS NULL OR placed.user_id = r.actor_user_id)
                AND NOT EXISTS (SELECT 1 FROM audit_legal_holds released WHERE released.event = 'released' AND released.hold_id = placed.hold_id))
          RETURNING 1)
        SELECT count(*) INTO v_gone FROM purged;
        INSERT INTO admin_events (at, actor, action, affected, received_before, outcome)
          VALUES (p_at, p_actor, 'audit.purged', v_gone, v_bound, 'success');
        RETURN v_gone;
      END
      $fn$`,
    `REVOKE ALL ON FUNCTION audit_purge_expired(bigint, text, bigint) FROM PUBLIC`,
  ],
};
