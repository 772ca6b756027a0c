/**
 * Messaging additions: which way a message went and whether it has left the outbox, when the
 * clinician read an incoming one, expiry as an event of its own, role addresses on
 * conversations, participants' titles, and a contact key that changed but is not yet accepted.
 * Unread counts are computed from messages from here on (the v1 counter could drift from them).
 */
export const SCHEMA_V2 = `
ALTER TABLE conversations ADD COLUMN role_address_id TEXT;
ALTER TABLE conversations ADD COLUMN role_address_name TEXT;
ALTER TABLE participants ADD COLUMN title TEXT;
ALTER TABLE messages ADD COLUMN direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out'));
ALTER TABLE messages ADD COLUMN send_state TEXT CHECK (send_state IN ('pending', 'sent', 'failed'));
ALTER TABLE messages ADD COLUMN recipient_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN read_at INTEGER;
ALTER TABLE messages ADD COLUMN expired_at INTEGER;
ALTER TABLE contact_keys ADD COLUMN pending_encryption_key BLOB;
ALTER TABLE contact_keys ADD COLUMN pending_signing_key BLOB;
ALTER TABLE contact_keys ADD COLUMN pending_fingerprint TEXT;
CREATE INDEX messages_unread ON messages (conversation_id) WHERE direction = 'in' AND read_at IS NULL AND body IS NOT NULL;
`;
