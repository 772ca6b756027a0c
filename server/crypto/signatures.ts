/**
 * Ed25519 detached signatures, as every proof on the wire uses them (device proofs, envelopes,
 * recalls). Key and signature must be canonical base64 of the right length; anything else, and
 * anything libsodium refuses, is simply not a valid signature.
 */
import { KEY_BYTES, SIGNATURE_BYTES } from '../../shared/protocol/binary';
import { fromBase64 } from '../../shared/node/crypto/base64';
import { loadSodium } from '../../shared/node/crypto/sodium';

export async function signatureValid(
  publicKeyBase64: string,
  message: Uint8Array,
  signatureBase64: string,
): Promise<boolean> {
  const publicKey = fromBase64(publicKeyBase64, KEY_BYTES);
  const signature = fromBase64(signatureBase64, SIGNATURE_BYTES);
  if (publicKey === null || signature === null) return false;
  const sodium = await loadSodium();
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}
