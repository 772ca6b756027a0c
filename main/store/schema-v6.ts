/**
 * Acknowledgements (shared/protocol/acknowledgement.ts) and escalation
 * (shared/protocol/escalation.ts): a STAT message's signed plan as JSON, and each alert the
 * server reported for it (`step` -1 for a re-alert). `ack_requested`: the message asks its
 * recipients to acknowledge it (urgent, STAT, or ticked by its sender); messages stored before
 * this version ask nothing, so an upgrade does not turn old threads into a list of demands.
 * `acknowledged_at`: when the first acknowledgement (anyone's) was accepted, so the list finds
 * what still waits from an index without reading acknowledgements.
 */
export const SCHEMA_V6 = `
ALTER TABLE messages ADD COLUMN ack_requested INTEGER NOT NULL DEFAULT 0 CHECK (ack_requested IN (0, 1));
ALTER TABLE messages ADD COLUMN acknowledged_at INTEGER;
CREATE TABLE acknowledgements (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  reply TEXT CHECK (reply IS NULL OR reply IN ('on-my-way', 'call-me', 'seen-will-review')),
  acknowledged_at INTEGER NOT NULL,
  PRIMARY KEY (message_id, user_id)
) WITHOUT ROWID;
ALTER TABLE messages ADD COLUMN escalation_plan TEXT;
CREATE TABLE escalation_events (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  step INTEGER NOT NULL CHECK (step BETWEEN -1 AND 2),
  at INTEGER NOT NULL,
  PRIMARY KEY (message_id, step, at)
) WITHOUT ROWID;
CREATE INDEX messages_awaiting_ack ON messages (conversation_id, direction)
  WHERE ack_requested = 1 AND acknowledged_at IS NULL AND body IS NOT NULL;
`;
