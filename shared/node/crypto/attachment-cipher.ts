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
import { ATTACHMENT_CHUNK_BYTES } from '../../protocol/attachment';
import { loadSodium } from './sodium';

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

/** Chunks sealed per piece handed to the upload: 1 MiB, so the connection starts at once. */
const CHUNKS_PER_PIECE = 16;

export interface AttachmentEncryption {
  readonly key: Uint8Array;
  readonly sha256: Uint8Array;
  /** The whole blob once `pieces` has run to its end. */
  readonly ciphertext: Uint8Array;
  /**
   * Encrypts as it is read: each piece is the next part of `ciphertext`, sealed just then, so
   * an upload reading it overlaps the encryption with the transfer. Read once.
   */
  readonly pieces: Generator<Uint8Array, void, undefined>;
}

export async function attachmentEncryption(plain: Uint8Array): Promise<AttachmentEncryption> {
  const sodium = await loadSodium();
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const out = new Uint8Array(ciphertextSize(plain.length));
  out.set(header, 0);
  function* pieces(): Generator<Uint8Array, void, undefined> {
    let at = HEADER_BYTES;
    let offset = 0;
    let pieceStart = 0;
    let chunks = 0;
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
      chunks += 1;
      if (last || chunks % CHUNKS_PER_PIECE === 0) {
        yield out.subarray(pieceStart, at);
        pieceStart = at;
      }
    } while (offset < plain.length);
  }
  return { key, sha256: sha256(plain), ciphertext: out, pieces: pieces() };
}

export async function encryptAttachment(plain: Uint8Array): Promise<EncryptedAttachment> {
  const sealed = await attachmentEncryption(plain);
  Array.from(sealed.pieces);
  return { key: sealed.key, ciphertext: sealed.ciphertext, sha256: sealed.sha256 };
}

export type DecryptFailure = 'damaged';

export interface AttachmentDecryptor {
  /** The next bytes of the blob as they arrive, in any pieces; false once it is known damaged. */
  push(piece: Uint8Array): boolean;
  /** The plaintext once every byte is in, or `damaged`. */
  finish(): Uint8Array | DecryptFailure;
}

/**
 * Decrypts a blob as it arrives, so a download's bytes are opened while the rest are still on
 * the wire. Refuses anything that is not exactly what was sealed: a wrong key, a changed, cut or
 * extended blob, or bytes whose size or hash differ from the description.
 */
export async function attachmentDecryptor(expected: {
  readonly key: Uint8Array;
  readonly size: number;
  readonly sha256: Uint8Array;
}): Promise<AttachmentDecryptor> {
  const sodium = await loadSodium();
  const total = ciphertextSize(expected.size);
  const pending = new Uint8Array(ATTACHMENT_CHUNK_BYTES + TAG_BYTES);
  const plain = new Uint8Array(expected.size);
  const hash = createHash('sha256');
  let held = 0;
  let received = 0;
  let offset = 0;
  let finalSeen = false;
  let damaged = false;
  let state: ReturnType<typeof sodium.crypto_secretstream_xchacha20poly1305_init_pull> | null = null;

  const fail = () => {
    damaged = true;
    plain.fill(0);
    return false;
  };
  /** Opens the chunk held in `pending` (all of it), or marks the stream damaged. */
  const pull = (): boolean => {
    if (state === null) {
      try {
        state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(pending.subarray(0, HEADER_BYTES), expected.key);
      } catch {
        return fail();
      }
      held = 0;
      return true;
    }
    let pulled: { message: Uint8Array; tag: number } | false;
    try {
      pulled = sodium.crypto_secretstream_xchacha20poly1305_pull(state, pending.subarray(0, held), null);
    } catch {
      return fail();
    }
    held = 0;
    if (pulled === false || finalSeen || offset + pulled.message.length > plain.length) return fail();
    plain.set(pulled.message, offset);
    hash.update(pulled.message);
    offset += pulled.message.length;
    finalSeen = pulled.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    // The final tag must come exactly at the end: none earlier, none missing.
    return finalSeen === (received === total) ? true : fail();
  };

  return {
    push(piece) {
      if (damaged) return false;
      if (received + piece.length > total) return fail();
      let at = 0;
      while (at < piece.length) {
        const chunk = state === null ? HEADER_BYTES : ATTACHMENT_CHUNK_BYTES + TAG_BYTES;
        const take = Math.min(chunk - held, piece.length - at);
        pending.set(piece.subarray(at, at + take), held);
        held += take;
        at += take;
        received += take;
        // A whole chunk, or the last (shorter) one: open it now.
        if ((held === chunk || (state !== null && received === total)) && !pull()) return false;
      }
      return true;
    },
    finish() {
      if (damaged || received !== total || held !== 0 || !finalSeen || offset !== expected.size) {
        plain.fill(0);
        return 'damaged';
      }
      return sodium.memcmp(new Uint8Array(hash.digest()), expected.sha256) ? plain : (plain.fill(0), 'damaged');
    },
  };
}

/** The plaintext of a whole blob, or `damaged` (see attachmentDecryptor). */
export async function decryptAttachment(
  ciphertext: Uint8Array,
  expected: { readonly key: Uint8Array; readonly size: number; readonly sha256: Uint8Array },
): Promise<Uint8Array | DecryptFailure> {
  if (ciphertext.length !== ciphertextSize(expected.size)) return 'damaged';
  const decryptor = await attachmentDecryptor(expected);
  decryptor.push(ciphertext);
  return decryptor.finish();
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}
