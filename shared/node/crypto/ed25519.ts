/**
 * An Ed25519 signature check by libsodium over base64 key and signature, in the shape the audit
 * checks take it in (shared/audit/signed-head.ts): false for anything that does not decode or
 * that libsodium refuses, never a throw. `sodium` must be loaded.
 */
import type { VerifySignature } from '../../audit/signed-head';
import type { Sodium } from './sodium';

export function ed25519Verifier(sodium: Sodium): VerifySignature {
  return (key, message, signature) => {
    try {
      return sodium.crypto_sign_verify_detached(Buffer.from(signature, 'base64'), message, Buffer.from(key, 'base64'));
    } catch {
      return false;
    }
  };
}
