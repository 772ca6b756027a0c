/**
 * The conversation list's unread counts and highest unread priority read from one index: with
 * the priority beside the conversation id, neither touches the message rows (in a vault of
 * 100,000 unread messages, reading those rows after an unlock was most of the first page's cost).
 * It replaces v2's index, which held the conversation id alone.
 */
export const SCHEMA_V5 = `
DROP INDEX messages_unread;
CREATE INDEX messages_unread ON messages (conversation_id, priority) WHERE direction = 'in' AND read_at IS NULL AND body IS NOT NULL;
`;
