/**
 * Search over what a conversation is about: its subject (`title`) and patient label, in an FTS5
 * index of their own beside v1's index of message bodies, kept by triggers like that one and
 * filled from the conversations already stored. One row per conversation that has either; the
 * conversation id is stored unindexed (a word never matches an id). Both fields are PHI, so the
 * index lives, like every other, inside the SQLCipher file. main/store/ops/search-ops.ts reads it.
 */
export const SCHEMA_V7 = `
CREATE VIRTUAL TABLE conversation_search USING fts5 (
  conversation_id UNINDEXED,
  subject,
  patient,
  tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO conversation_search (conversation_id, subject, patient)
  SELECT id, title, patient_label FROM conversations WHERE title IS NOT NULL OR patient_label IS NOT NULL;
CREATE TRIGGER conversations_search_insert AFTER INSERT ON conversations
  WHEN new.title IS NOT NULL OR new.patient_label IS NOT NULL BEGIN
  INSERT INTO conversation_search (conversation_id, subject, patient) VALUES (new.id, new.title, new.patient_label);
END;
CREATE TRIGGER conversations_search_delete AFTER DELETE ON conversations BEGIN
  DELETE FROM conversation_search WHERE conversation_id = old.id;
END;
CREATE TRIGGER conversations_search_update AFTER UPDATE OF title, patient_label ON conversations BEGIN
  DELETE FROM conversation_search WHERE conversation_id = old.id;
  INSERT INTO conversation_search (conversation_id, subject, patient)
    SELECT new.id, new.title, new.patient_label WHERE new.title IS NOT NULL OR new.patient_label IS NOT NULL;
END;
`;
