/**
 * Patient context on a conversation: the opaque reference (`patient_ref`, there since v1, what
 * audit records name) and the readable label the starter gave it, which is PHI and so lives only
 * here in the encrypted vault and in sealed bodies.
 */
export const SCHEMA_V4 = `
ALTER TABLE conversations ADD COLUMN patient_label TEXT CHECK (patient_label IS NULL OR patient_ref IS NOT NULL);
`;
