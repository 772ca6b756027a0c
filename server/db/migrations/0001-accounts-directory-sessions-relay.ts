/**
 * Migration 1: accounts, directory, sessions, relay.
 * Released: never edited. Databases in service have run these statements byte for byte
 * (test/unit/server/migrations-pinned.test.ts pins them); a change is a new migration.
 */
import type { Migration } from '../migration';

export const MIGRATION_0001: Migration = {
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
};
