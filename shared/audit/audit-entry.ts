/**
 * An audit record as it travels and is exported: the record, its place in its workstation's
 * hash chain, and (once the server holds it) its index in the server's Merkle tree. Hashes are
 * lower-case hex, signatures base64.
 */
import { z } from 'zod';
import { AUDIT_ACTIONS, auditRecord, patientReference } from './audit-event';
import { epochMs, userId, uuid } from '../protocol/identifiers';

export const hashHex = z.string().regex(/^[0-9a-f]{64}$/);
export const signatureBase64 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/);

export const chainedEntry = z.strictObject({
  record: auditRecord,
  /** Hash of the same workstation's previous record (GENESIS_HASH for its first). */
  previousHash: hashHex,
  /** entryHash(previousHash, record). */
  hash: hashHex,
});
export type ChainedEntry = z.infer<typeof chainedEntry>;

export const storedEntry = chainedEntry.extend({
  /** Position in the server's Merkle tree (0-based leaf index). */
  treeIndex: z.number().int().nonnegative(),
});
export type StoredEntry = z.infer<typeof storedEntry>;

export const signedTreeHead = z.strictObject({
  treeSize: z.number().int().nonnegative(),
  timestamp: z.number().int().nonnegative(),
  rootHash: hashHex,
  /** Ed25519 by the server's audit key over treeHeadSigningBytes. */
  signature: signatureBase64,
});
export type SignedTreeHead = z.infer<typeof signedTreeHead>;

/** What compliance searches by (all optional); the same on the wire and over IPC. */
export const auditSearchFilter = z.strictObject({
  userId: userId.nullable(),
  patient: patientReference.nullable(),
  workstationId: uuid.nullable(),
  conversationId: uuid.nullable(),
  action: z.enum(AUDIT_ACTIONS).nullable(),
  since: epochMs.nullable(),
  until: epochMs.nullable(),
});
export type AuditSearchFilter = z.infer<typeof auditSearchFilter>;

/** `unattested-actor`: a record names a person who had no session on that workstation at its time (audit-attestation.ts). */
export const AUDIT_ALERT_KINDS = ['gap', 'fork', 'bad-signature', 'bad-chain', 'unattested-actor'] as const;

export const auditAlert = z.strictObject({
  at: epochMs,
  workstationId: uuid.nullable(),
  kind: z.enum(AUDIT_ALERT_KINDS),
  seq: z.number().int().nonnegative().nullable(),
});
