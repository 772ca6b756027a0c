/**
 * The server's audit key (Ed25519): it signs every tree head. The seed is a server secret in
 * the database, so every instance of a deployment signs with the same key. Its secrecy is not
 * what makes history unforgeable: every head is also held by the workstations it acknowledged
 * and forwarded to the SIEM, and a rewritten history cannot be proven consistent with those.
 */
import type { Queryable } from '../db/database';
import { serverSecret } from '../accounts/server-secret-store';
import { loadSodium } from '../../shared/node/crypto/sodium';
import { toBase64 } from '../../shared/node/crypto/base64';

export const AUDIT_KEY_SECRET_NAME = 'audit-signing-seed';

export interface AuditSigningKey {
  /** Base64. */
  readonly publicKey: string;
  /** Detached signature, base64. */
  sign(message: Uint8Array): string;
}

export async function loadAuditSigningKey(db: Queryable): Promise<AuditSigningKey> {
  const sodium = await loadSodium();
  const seed = await serverSecret(db, AUDIT_KEY_SECRET_NAME);
  const pair = sodium.crypto_sign_seed_keypair(seed);
  seed.fill(0);
  return {
    publicKey: toBase64(pair.publicKey),
    sign: (message) => toBase64(sodium.crypto_sign_detached(message, pair.privateKey)),
  };
}
