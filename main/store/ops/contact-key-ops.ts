/**
 * Contacts' pinned public keys (trust on first use). A key the directory later shows differently
 * is kept beside the pinned one as pending, and replaces it only when the clinician accepts it.
 */
import type { Database } from 'better-sqlite3';
import { fromBase64, toBase64 } from '../../../shared/node/crypto/base64';
import { sql } from '../statement-cache';

/** X25519 and Ed25519 public keys are both 32 bytes. */
const KEY_BYTES = 32;

/** The key's bytes; only a canonical 32-byte key is ever pinned, whatever a caller passes. */
function keyBytes(text: string): Uint8Array {
  const bytes = fromBase64(text, KEY_BYTES);
  if (bytes === null) throw new TypeError('a contact key must be 32 bytes of canonical base64');
  return bytes;
}

export interface ContactKeyRecord {
  readonly userId: string;
  readonly encryptionKey: string;
  readonly signingKey: string;
  readonly fingerprint: string;
  readonly pendingFingerprint: string | null;
  readonly pendingEncryptionKey: string | null;
  readonly pendingSigningKey: string | null;
}

/** Keys a contact was seen with: they travel as base64 and are stored as bytes. */
interface SeenKeys {
  userId: string;
  encryptionKey: string;
  signingKey: string;
  fingerprint: string;
  at: number;
}

export const contactKeyReads = {
  'contactKey.get': (db: Database, args: { userId: string }): ContactKeyRecord | null => {
    const row = sql(
      db,
      `SELECT user_id, encryption_key, signing_key, fingerprint, pending_fingerprint, pending_encryption_key, pending_signing_key
       FROM contact_keys WHERE user_id = ?`,
    ).get(args.userId) as
      | {
          user_id: string;
          encryption_key: Buffer;
          signing_key: Buffer;
          fingerprint: string;
          pending_fingerprint: string | null;
          pending_encryption_key: Buffer | null;
          pending_signing_key: Buffer | null;
        }
      | undefined;
    if (!row) return null;
    return {
      userId: row.user_id,
      encryptionKey: toBase64(row.encryption_key),
      signingKey: toBase64(row.signing_key),
      fingerprint: row.fingerprint,
      pendingFingerprint: row.pending_fingerprint,
      pendingEncryptionKey: row.pending_encryption_key === null ? null : toBase64(row.pending_encryption_key),
      pendingSigningKey: row.pending_signing_key === null ? null : toBase64(row.pending_signing_key),
    };
  },
} as const;

export const contactKeyWrites = {
  /** First sight of a contact's keys: pinned as they are (trust on first use). */
  'contactKey.pin': (db: Database, args: SeenKeys): null => {
    sql(
      db,
      `INSERT INTO contact_keys (user_id, encryption_key, signing_key, fingerprint, first_seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO NOTHING`,
    ).run(args.userId, keyBytes(args.encryptionKey), keyBytes(args.signingKey), args.fingerprint, args.at);
    return null;
  },

  /** The directory now shows other keys than the pinned ones: held until the clinician accepts. */
  'contactKey.setPending': (db: Database, args: SeenKeys): null => {
    sql(
      db,
      `UPDATE contact_keys SET pending_encryption_key = ?, pending_signing_key = ?, pending_fingerprint = ?, changed_at = ?
       WHERE user_id = ? AND fingerprint <> ?`,
    ).run(
      keyBytes(args.encryptionKey),
      keyBytes(args.signingKey),
      args.fingerprint,
      args.at,
      args.userId,
      args.fingerprint,
    );
    return null;
  },

  /** The clinician accepted the pending keys: from now on messages are sealed to them. */
  'contactKey.accept': (db: Database, args: { userId: string; at: number }): boolean =>
    sql(
      db,
      `UPDATE contact_keys SET encryption_key = pending_encryption_key, signing_key = pending_signing_key,
         fingerprint = pending_fingerprint, verified_at = NULL, changed_at = ?,
         pending_encryption_key = NULL, pending_signing_key = NULL, pending_fingerprint = NULL
       WHERE user_id = ? AND pending_fingerprint IS NOT NULL`,
    ).run(args.at, args.userId).changes === 1,
} as const;
