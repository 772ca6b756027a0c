/**
 * Migration 6: audit retention from the server receive time, purge through one checked function.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import { SIX_YEARS_MS } from '../../../shared/audit/retention-window';
import type { Migration } from '../migration';

export const MIGRATION_0006: Migration = {
  version: 6,
  name: 'audit retention from the server receive time, purge through one checked function',
  statements: [
    // `at` is the workstation's clock: a record stamped 1970 must not be purgeable the moment it
    // arrives. Retention counts from received_at, which only the server sets (at intake).
    `CREATE INDEX audit_records_by_received ON audit_records (received_at)`,
    `CREATE OR REPLACE FUNCTION audit_record_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF OLD.received_at >= (extract(epoch FROM clock_timestamp()) * 1000)::bigint - ${String(SIX_YEARS_MS)} THEN
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
    // The only way a runtime role without DELETE (server/db/runtime-role.ts) removes content:
    // runs as the owner, never reaches past six years before the database's own clock whatever
    // it is asked, skips held records, and writes its own admin_events row, so no purge goes
    // unrecorded. The delete trigger checks every row again.
    `CREATE FUNCTION audit_purge_expired(p_received_before bigint, p_actor text, p_at bigint) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
      DECLARE
        v_bound bigint := LEAST(p_received_before, (extract(epoch FROM clock_timestamp()) * 1000)::bigint - ${String(SIX_YEARS_MS)});
        v_gone bigint;
      BEGIN
        WITH purged AS (
          DELETE FROM audit_records r WHERE r.received_at < v_bound AND NOT EXISTS (
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
