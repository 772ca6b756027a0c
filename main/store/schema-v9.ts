/**
 * Attachment bytes move out of the database into files beside it (attachment-files.ts): each
 * row names its file (`content_file`), whose ciphertext opens only with the row's `content_key`.
 * Bytes kept inside the database by v8 are fetched again into files: their rows wait to be
 * fetched, and the table that held them is dropped (secure_delete overwrites its pages).
 *
 * Whatever removes a row's key removes its file's name too and lists the name in
 * `attachment_files_discarded`, in the same statement: the file is unreadable from that moment
 * and main unlinks it afterwards. Recall and expiry do so by the triggers below; so does
 * deleting the row (its message deleted).
 */
export const SCHEMA_V9 = `
ALTER TABLE attachments ADD COLUMN content_file TEXT;
CREATE TABLE attachment_files_discarded (name TEXT PRIMARY KEY);
UPDATE attachments SET state = 'fetching', problem = NULL, attempts = 0, next_attempt_at = NULL
  WHERE id IN (SELECT attachment_id FROM attachment_content);
DROP TRIGGER attachments_follow_recall;
DROP TRIGGER attachments_follow_expiry;
DROP TABLE attachment_content;
CREATE TRIGGER attachments_follow_recall AFTER UPDATE OF recalled_at ON messages
  WHEN new.recalled_at IS NOT NULL BEGIN
  INSERT OR IGNORE INTO attachment_files_discarded (name)
    SELECT content_file FROM attachments WHERE message_id = new.id AND content_file IS NOT NULL;
  UPDATE attachments SET state = 'removed', problem = NULL, thumbnail = NULL, content_key = NULL, content_file = NULL,
    next_attempt_at = NULL WHERE message_id = new.id;
END;
CREATE TRIGGER attachments_follow_expiry AFTER UPDATE OF expired_at ON messages
  WHEN new.expired_at IS NOT NULL BEGIN
  INSERT OR IGNORE INTO attachment_files_discarded (name)
    SELECT content_file FROM attachments WHERE message_id = new.id AND content_file IS NOT NULL;
  UPDATE attachments SET state = 'removed', problem = NULL, thumbnail = NULL, content_key = NULL, content_file = NULL,
    next_attempt_at = NULL WHERE message_id = new.id;
END;
CREATE TRIGGER attachments_file_follows_row AFTER DELETE ON attachments
  WHEN old.content_file IS NOT NULL BEGIN
  INSERT OR IGNORE INTO attachment_files_discarded (name) VALUES (old.content_file);
END;
`;
