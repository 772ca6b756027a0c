/**
 * The schema as forward-only migrations, shared by PGlite and PostgreSQL. A migration is never
 * edited once released: a change is a new entry with the next version.
 *
 * What is stored where: accounts and the directory are plaintext by design (names, roles,
 * departments); everything about messages is ciphertext or routing metadata (ids, times, user
 * ids). Binary values are text (base64 or hex) so both drivers return them the same way.
 */
import { SIX_YEARS_MS } from '../../shared/audit/retention-window';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One statement each: PGlite's parameterised query runs a single statement. */
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, directory, sessions, relay',
    statements: [
      `CREATE TABLE server_secrets (
        name text PRIMARY KEY,
        value text NOT NULL
      )`,
      `CREATE TABLE accounts (
        user_id text PRIMARY KEY,
        display_name text NOT NULL,
        role text NOT NULL,
        department text NOT NULL,
        title text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        salt text NOT NULL,
        kdf_memory_mib integer NOT NULL,
        kdf_passes integer NOT NULL,
        auth_key_hash text NOT NULL,
        totp_secret text,
        totp_last_step bigint,
        created_at bigint NOT NULL
      )`,
      `CREATE TABLE identities (
        user_id text PRIMARY KEY REFERENCES accounts (user_id),
        signing_key text NOT NULL,
        encryption_key text NOT NULL,
        wrapped_private_keys text NOT NULL,
        fingerprint text NOT NULL,
        published_at bigint NOT NULL
      )`,
      `CREATE TABLE role_addresses (
        address_id text PRIMARY KEY,
        display_name text NOT NULL,
        department text NOT NULL,
        description text NOT NULL
      )`,
      `CREATE TABLE role_members (
        address_id text NOT NULL REFERENCES role_addresses (address_id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES accounts (user_id),
        PRIMARY KEY (address_id, user_id)
      )`,
      `CREATE TABLE devices (
        device_id uuid PRIMARY KEY,
        public_key text NOT NULL,
        registered_at bigint NOT NULL
      )`,
      `CREATE TABLE mfa_challenges (
        challenge_id uuid PRIMARY KEY,
        user_id text NOT NULL REFERENCES accounts (user_id),
        device_id uuid NOT NULL,
        device_public_key text NOT NULL,
        device_name text NOT NULL,
        enrollment_secret text,
        expires_at bigint NOT NULL
      )`,
      `CREATE TABLE sessions (
        session_id uuid PRIMARY KEY,
        user_id text NOT NULL REFERENCES accounts (user_id),
        device_id uuid NOT NULL REFERENCES devices (device_id),
        device_name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        token_expires_at bigint NOT NULL,
        created_at bigint NOT NULL,
        max_expires_at bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        ended_at bigint,
        end_reason text
      )`,
      `CREATE INDEX sessions_live_by_user ON sessions (user_id) WHERE ended_at IS NULL`,
      `CREATE TABLE auth_throttle (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at bigint NOT NULL,
        locked_until bigint
      )`,
      // envelope_json is null once recalled: the row stays as a header-only tombstone so a resend
      // of the same id is still recognised as a duplicate.
      `CREATE TABLE envelopes (
        message_id uuid PRIMARY KEY,
        conversation_id uuid NOT NULL,
        sender_id text NOT NULL,
        accepted_at bigint NOT NULL,
        expires_at bigint,
        digest text NOT NULL,
        envelope_json text,
        recalled_at bigint,
        recall_signature text
      )`,
      `CREATE INDEX envelopes_by_conversation ON envelopes (conversation_id, accepted_at DESC)`,
      `CREATE INDEX envelopes_by_expiry ON envelopes (expires_at) WHERE expires_at IS NOT NULL`,
      `CREATE TABLE envelope_recipients (
        message_id uuid NOT NULL REFERENCES envelopes (message_id) ON DELETE CASCADE,
        user_id text NOT NULL,
        PRIMARY KEY (message_id, user_id)
      )`,
      `CREATE INDEX envelope_recipients_by_user ON envelope_recipients (user_id)`,
      `CREATE TABLE receipts (
        message_id uuid NOT NULL REFERENCES envelopes (message_id) ON DELETE CASCADE,
        user_id text NOT NULL,
        kind text NOT NULL,
        at bigint NOT NULL,
        PRIMARY KEY (message_id, user_id, kind)
      )`,
      // One global sequence, read per user: each user's feed is ordered, with gaps.
      `CREATE TABLE feed_events (
        seq bigserial PRIMARY KEY,
        user_id text NOT NULL,
        type text NOT NULL,
        message_id uuid NOT NULL REFERENCES envelopes (message_id) ON DELETE CASCADE,
        actor_id text,
        receipt_kind text,
        at bigint,
        signature text,
        created_at bigint NOT NULL
      )`,
      `CREATE INDEX feed_events_by_user ON feed_events (user_id, seq)`,
      `CREATE INDEX feed_events_by_message ON feed_events (message_id)`,
    ],
  },
  {
    version: 2,
    name: 'account and session events',
    statements: [
      // Who ended whose access, when: kept for audit (issue 6 carries it into the audit trail).
      `CREATE TABLE account_events (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target_user_id text NOT NULL,
        sessions_ended integer NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX account_events_by_target ON account_events (target_user_id, id)`,
    ],
  },
  {
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
  },
  {
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
  },
  {
    version: 5,
    name: 'admin actions outbox for the server audit chain',
    statements: [
      // Every administrative action other than an access change (those are account_events): who
      // did what to which object, and for a purge how many records received before when. Ids,
      // codes and numbers only. Written in the transaction of the change it records, folded into
      // the server's audit chain afterwards (server/audit/server-trail.ts), never changed.
      `CREATE TABLE admin_events (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target_user_id text,
        subject text,
        affected bigint,
        received_before bigint,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
        reason text
      )`,
      `CREATE TRIGGER admin_events_append_only BEFORE UPDATE OR DELETE ON admin_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER admin_events_no_truncate BEFORE TRUNCATE ON admin_events FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER account_events_no_truncate BEFORE TRUNCATE ON account_events FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
      `ALTER TABLE audit_server_cursor ADD COLUMN last_admin_event bigint NOT NULL DEFAULT 0`,
    ],
  },
  {
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
  },
  {
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
  },
  {
    version: 8,
    name: 'what the server serves joins its audit chain: sessions, envelopes accepted, history, audit searches',
    statements: [
      // The outbox of server/audit/served-events.ts: the record's fields, its object as the
      // catalogue's canonical JSON; folded into the server's chain in id order.
      `CREATE TABLE served_events (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        actor_user_id text,
        action text NOT NULL,
        object text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
        reason text
      )`,
      `CREATE TRIGGER served_events_append_only BEFORE UPDATE OR DELETE ON served_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER served_events_no_truncate BEFORE TRUNCATE ON served_events FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
      `ALTER TABLE audit_server_cursor ADD COLUMN last_served_event bigint NOT NULL DEFAULT 0`,
      // Intake checks each person-record against that person's sessions on the workstation.
      `CREATE INDEX sessions_by_device_user ON sessions (device_id, user_id, created_at)`,
    ],
  },
  {
    version: 9,
    name: 'sign-in throttle: consecutive failures with growing waits and a hard lock; refresh proofs spent once',
    statements: [
      // Counted per key since its last success (server/accounts/attempt-throttle.ts): the time of
      // the last attempt sets the next one's wait, and a hard lock is recorded once, when it starts.
      `ALTER TABLE auth_throttle RENAME COLUMN window_started_at TO last_attempt_at`,
      `ALTER TABLE auth_throttle DROP COLUMN locked_until`,
      `ALTER TABLE auth_throttle ADD COLUMN locked_at bigint`,
      // A refresh proof's digest once used, until the proof is stale anyway (server/accounts/device-proof.ts).
      `CREATE TABLE spent_device_proofs (
        digest text PRIMARY KEY,
        expires_at bigint NOT NULL
      )`,
      `CREATE INDEX spent_device_proofs_by_expiry ON spent_device_proofs (expires_at)`,
    ],
  },
];
