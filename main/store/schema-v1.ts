/**
 * The vault's first schema. Everything a clinician's workstation keeps: conversations and their
 * participants, messages (the envelope as received and the decrypted body shown), receipts, the
 * outbox, attachment metadata, pinned contact keys and local settings, plus an FTS5 index over
 * message bodies. All of it lives inside the SQLCipher file, index included.
 */
export const SCHEMA_V1 = `
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('direct', 'group', 'role')),
  title TEXT,
  patient_ref TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_message_at INTEGER,
  unread_count INTEGER NOT NULL DEFAULT 0 CHECK (unread_count >= 0)
);
CREATE INDEX conversations_by_recency ON conversations (last_message_at DESC);

CREATE TABLE participants (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT,
  department TEXT,
  PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;

CREATE TABLE messages (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  sender_id TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  received_at INTEGER,
  priority TEXT NOT NULL DEFAULT 'routine' CHECK (priority IN ('routine', 'urgent', 'stat')),
  expires_at INTEGER,
  recalled_at INTEGER,
  envelope BLOB,
  body TEXT
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, sent_at);
CREATE INDEX messages_by_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE receipts (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  delivered_at INTEGER,
  read_at INTEGER,
  PRIMARY KEY (message_id, user_id)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  envelope BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error_code TEXT
);

CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  sha256 BLOB,
  content_key BLOB,
  local_path TEXT
);

CREATE TABLE contact_keys (
  user_id TEXT PRIMARY KEY,
  encryption_key BLOB NOT NULL,
  signing_key BLOB NOT NULL,
  fingerprint TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  verified_at INTEGER,
  changed_at INTEGER
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE VIRTUAL TABLE message_search USING fts5 (
  body,
  content = 'messages',
  content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages WHEN new.body IS NOT NULL BEGIN
  INSERT INTO message_search (rowid, body) VALUES (new.seq, new.body);
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages WHEN old.body IS NOT NULL BEGIN
  INSERT INTO message_search (message_search, rowid, body) VALUES ('delete', old.seq, old.body);
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO message_search (message_search, rowid, body) SELECT 'delete', old.seq, old.body WHERE old.body IS NOT NULL;
  INSERT INTO message_search (rowid, body) SELECT new.seq, new.body WHERE new.body IS NOT NULL;
END;
`;
