/**
 * Ed25519 detached signatures by libsodium over base64 key and signature, as every signature in
 * Wardline is checked (device proofs, envelopes, recalls, batches, tree heads). Key and signature
 * must be the canonical base64 of the right length: a re-spelled string never verifies, though
 * libsodium would accept its bytes. Anything else, and anything libsodium refuses, is simply not
 * a valid signature: false, never a throw.
 */
import { KEY_BYTES, SIGNATURE_BYTES } from '../../protocol/binary';
import type { VerifySignature } from '../../audit/signed-head';
import { fromBase64 } from './base64';
import { loadSodium, type Sodium } from './sodium';

/** The check in the shape the audit rules take it (shared/audit/signed-head.ts); `sodium` must be loaded. */
export function ed25519Verifier(sodium: Sodium): VerifySignature {
  return (key, message, signature) => {
    const publicKey = fromBase64(key, KEY_BYTES);
    const bytes = fromBase64(signature, SIGNATURE_BYTES);
    if (publicKey === null || bytes === null) return false;
    try {
      return sodium.crypto_sign_verify_detached(bytes, message, publicKey);
    } catch {
      return false;
    }
  };
}

/** The same check, loading libsodium first. */
export async function signatureValid(publicKey: string, message: Uint8Array, signature: string): Promise<boolean> {
  return ed25519Verifier(await loadSodium())(publicKey, message, signature);
}
