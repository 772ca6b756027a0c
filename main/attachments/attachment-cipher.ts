/**
 * Where an attachment is encrypted and decrypted: libsodium's secretstream
 * (XChaCha20-Poly1305), a fresh random key per file, the plaintext cut into
 * ATTACHMENT_CHUNK_BYTES chunks so a large file never needs one huge AEAD call, the last chunk
 * tagged final so a truncated blob is refused rather than shown short. The blob is the 24-byte
 * stream header followed by the chunks; the key travels only inside the sealed message body.
 *
 * Decryption checks the plaintext's size and SHA-256 against the sealed description too: a
 * server that swaps one message's blob for another's (both opened with the right key only if
 * they are the same file) or serves a stale copy is caught.
 */
import { createHash } from 'node:crypto';
import { ATTACHMENT_CHUNK_BYTES } from '../../shared/protocol/attachment';
import { loadSodium } from '../../shared/node/crypto/sodium';

const HEADER_BYTES = 24;
const TAG_BYTES = 17;

export interface EncryptedAttachment {
  readonly key: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly sha256: Uint8Array;
}

/** The blob's size for `plainBytes` of plaintext. */
export function ciphertextSize(plainBytes: number): number {
  const chunks = Math.max(1, Math.ceil(plainBytes / ATTACHMENT_CHUNK_BYTES));
  return HEADER_BYTES + plainBytes + chunks * TAG_BYTES;
}

export async function encryptAttachment(plain: Uint8Array): Promise<EncryptedAttachment> {
  const sodium = await loadSodium();
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const out = new Uint8Array(ciphertextSize(plain.length));
  out.set(header, 0);
  let at = HEADER_BYTES;
  let offset = 0;
  do {
    const end = Math.min(offset + ATTACHMENT_CHUNK_BYTES, plain.length);
    const last = end === plain.length;
    const chunk = sodium.crypto_secretstream_xchacha20poly1305_push(
      state,
      plain.subarray(offset, end),
      null,
      last
        ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    );
    out.set(chunk, at);
    at += chunk.length;
    offset = end;
  } while (offset < plain.length);
  return { key, ciphertext: out, sha256: sha256(plain) };
}

export type DecryptFailure = 'damaged';

/**
 * The plaintext, or `damaged` for anything that is not exactly what was sealed: a wrong key, a
 * changed, cut or extended blob, or bytes whose size or hash differ from the description.
 */
export async function decryptAttachment(
  ciphertext: Uint8Array,
  expected: { readonly key: Uint8Array; readonly size: number; readonly sha256: Uint8Array },
): Promise<Uint8Array | DecryptFailure> {
  if (ciphertext.length !== ciphertextSize(expected.size)) return 'damaged';
  const sodium = await loadSodium();
  let state;
  try {
    state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(ciphertext.subarray(0, HEADER_BYTES), expected.key);
  } catch {
    return 'damaged';
  }
  const plain = new Uint8Array(expected.size);
  let at = HEADER_BYTES;
  let offset = 0;
  for (;;) {
    const end = Math.min(at + ATTACHMENT_CHUNK_BYTES + TAG_BYTES, ciphertext.length);
    let pulled: { message: Uint8Array; tag: number } | false;
    try {
      pulled = sodium.crypto_secretstream_xchacha20poly1305_pull(state, ciphertext.subarray(at, end), null);
    } catch {
      return 'damaged';
    }
    if (pulled === false || offset + pulled.message.length > plain.length) return 'damaged';
    plain.set(pulled.message, offset);
    offset += pulled.message.length;
    at = end;
    const final = pulled.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    // The final tag must come exactly at the end: none earlier, none missing.
    if (final !== (at === ciphertext.length)) return 'damaged';
    if (final) break;
  }
  if (offset !== expected.size) return 'damaged';
  const digest = sha256(plain);
  return sodium.memcmp(digest, expected.sha256) ? plain : 'damaged';
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}
