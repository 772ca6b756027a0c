/**
 * Attachments (shared/protocol/attachment.ts). The v1 table described them; this version keeps
 * what a workstation needs to fetch, check and show one: the server's blob id (also the row's
 * id), its place in the message, its state, a thumbnail made by main, and the decrypted bytes in
 * a table of their own so a thread's listing never reads them. The key and bytes live only here,
 * inside the SQLCipher file, and go with the vault when it is shredded.
 *
 * A recalled or expired message takes its attachments' bytes, thumbnails and keys with it, in the
 * same statement that removes its text (the triggers below): no code path can forget them.
 */
export const SCHEMA_V8 = `
ALTER TABLE attachments ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN state TEXT NOT NULL DEFAULT 'fetching'
  CHECK (state IN ('ready', 'fetching', 'failed', 'removed'));
ALTER TABLE attachments ADD COLUMN problem TEXT CHECK (problem IS NULL OR problem IN ('unreachable', 'damaged', 'gone'));
ALTER TABLE attachments ADD COLUMN width INTEGER;
ALTER TABLE attachments ADD COLUMN height INTEGER;
ALTER TABLE attachments ADD COLUMN thumbnail BLOB;
ALTER TABLE attachments ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN next_attempt_at INTEGER;
-- Rows from before this version were never fetchable (no Wardline sent attachments yet): not waited for.
UPDATE attachments SET state = 'failed', problem = 'gone';
CREATE INDEX attachments_by_message ON attachments (message_id, position);
CREATE INDEX attachments_to_fetch ON attachments (next_attempt_at) WHERE state = 'fetching';
CREATE TABLE attachment_content (
  attachment_id TEXT PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,
  bytes BLOB NOT NULL
);
CREATE TRIGGER attachments_follow_recall AFTER UPDATE OF recalled_at ON messages
  WHEN new.recalled_at IS NOT NULL BEGIN
  DELETE FROM attachment_content WHERE attachment_id IN (SELECT id FROM attachments WHERE message_id = new.id);
  UPDATE attachments SET state = 'removed', problem = NULL, thumbnail = NULL, content_key = NULL, next_attempt_at = NULL
    WHERE message_id = new.id;
END;
CREATE TRIGGER attachments_follow_expiry AFTER UPDATE OF expired_at ON messages
  WHEN new.expired_at IS NOT NULL BEGIN
  DELETE FROM attachment_content WHERE attachment_id IN (SELECT id FROM attachments WHERE message_id = new.id);
  UPDATE attachments SET state = 'removed', problem = NULL, thumbnail = NULL, content_key = NULL, next_attempt_at = NULL
    WHERE message_id = new.id;
END;
`;
