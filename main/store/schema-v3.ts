/**
 * An outgoing message the server refused because a recipient's key is no longer the one it was
 * sealed to. It stays in the outbox, held, until the clinician accepts the new key and it is
 * sealed again; it is neither sent to a key nobody accepted nor dropped.
 */
export const SCHEMA_V3 = `
ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
`;
