/**
 * Seals a secret (a data key, a private key) under a 32-byte key: XChaCha20-Poly1305 with a
 * random nonce, so wrapping is safe to repeat under one key with no nonce bookkeeping.
 *
 *   version (1 byte, 0x01) || nonce (24 bytes) || ciphertext || tag (16 bytes)
 *
 * The version byte is also bound into the associated data, so it cannot be swapped without the
 * tag failing. Callers pass associated data naming what the secret is for, so a blob wrapped for
 * one purpose never opens as another.
 */
import { loadSodium, type Sodium } from '../../shared/node/crypto/sodium';

const VERSION = 0x01;
const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES;

export async function wrapSecret(
  secret: Uint8Array,
  wrappingKey: Uint8Array,
  associatedData: Uint8Array,
): Promise<Uint8Array> {
  checkKey(wrappingKey);
  const sodium = await loadSodium();
  const nonce = sodium.randombytes_buf(NONCE_BYTES);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    secret,
    boundData(associatedData),
    null,
    nonce,
    wrappingKey,
  );
  const wrapped = new Uint8Array(HEADER_BYTES + sealed.length);
  wrapped[0] = VERSION;
  wrapped.set(nonce, 1);
  wrapped.set(sealed, HEADER_BYTES);
  return wrapped;
}

/** The secret, or null for any blob this key cannot open: wrong key, tampered, truncated, unknown version. */
export async function unwrapSecret(
  wrapped: Uint8Array,
  wrappingKey: Uint8Array,
  associatedData: Uint8Array,
): Promise<Uint8Array | null> {
  checkKey(wrappingKey);
  if (wrapped.length < HEADER_BYTES + TAG_BYTES || wrapped[0] !== VERSION) return null;
  const sodium = await loadSodium();
  return open(sodium, wrapped, wrappingKey, associatedData);
}

function open(
  sodium: Sodium,
  wrapped: Uint8Array,
  wrappingKey: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array | null {
  try {
    const nonce = wrapped.subarray(1, HEADER_BYTES);
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      wrapped.subarray(HEADER_BYTES),
      boundData(associatedData),
      nonce,
      wrappingKey,
    );
  } catch {
    return null;
  }
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES)
    throw new TypeError(`A wrapping key must be ${KEY_BYTES} bytes.`);
}

function boundData(associatedData: Uint8Array): Uint8Array {
  const bound = new Uint8Array(1 + associatedData.length);
  bound[0] = VERSION;
  bound.set(associatedData, 1);
  return bound;
}
