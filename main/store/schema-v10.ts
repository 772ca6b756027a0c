/**
 * Local message retention (main/messaging/message-retention.ts) deletes messages by the server's
 * acceptance time (`sent_at`, see feed-receiver.ts), oldest first, a batch at a time: an index on
 * that time lets each batch find its rows without reading the whole table.
 *
 * Both full-text indexes switch to FTS5's secure-delete: a deleted row's terms are removed from
 * the index pages at once, rather than hidden by a delete marker until a merge, so the words of a
 * message removed by retention, recall or expiry do not linger in the file (the pages themselves
 * are overwritten by secure_delete, main/store/sqlcipher-connection.ts).
 */
export const SCHEMA_V10 = `
CREATE INDEX messages_by_acceptance ON messages (sent_at);
INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
INSERT INTO conversation_search (conversation_search, rank) VALUES ('secure-delete', 1);
`;
