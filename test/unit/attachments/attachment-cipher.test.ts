/**
 * Attachment encryption (shared/node/crypto/attachment-cipher.ts): a round trip of every size
 * around the chunk boundary, and every way a blob can differ from what was sealed refused as
 * `damaged`: wrong key, a flipped byte, a cut, an extension, chunks swapped, another file's
 * blob under this description.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  attachmentDecryptor,
  ciphertextSize,
  decryptAttachment,
  encryptAttachment,
} from '../../../shared/node/crypto/attachment-cipher';
import { ATTACHMENT_CHUNK_BYTES } from '../../../shared/protocol/attachment';

const plain = (size: number) => new Uint8Array(randomBytes(size));

async function sealed(size: number) {
  const bytes = plain(size);
  const encrypted = await encryptAttachment(bytes);
  return { bytes, ...encrypted, expected: { key: encrypted.key, size, sha256: encrypted.sha256 } };
}

describe('attachment cipher', () => {
  it.each([
    1,
    1000,
    ATTACHMENT_CHUNK_BYTES - 1,
    ATTACHMENT_CHUNK_BYTES,
    ATTACHMENT_CHUNK_BYTES + 1,
    3 * ATTACHMENT_CHUNK_BYTES + 7,
  ])('opens what it sealed (%i bytes), and the blob holds none of the plaintext', async (size) => {
    const { bytes, ciphertext, expected } = await sealed(size);
    expect(ciphertext.length).toBe(ciphertextSize(size));
    expect(await decryptAttachment(ciphertext, expected)).toEqual(bytes);
    if (size >= 32) expect(Buffer.from(ciphertext).includes(Buffer.from(bytes.subarray(0, 32)))).toBe(false);
  });

  it('gives every file its own key', async () => {
    const a = await sealed(10);
    const b = await sealed(10);
    expect(Buffer.from(a.key).equals(Buffer.from(b.key))).toBe(false);
  });

  it('refuses a wrong key, a flipped byte, a cut, an extension and swapped chunks', async () => {
    const { ciphertext, expected } = await sealed(3 * ATTACHMENT_CHUNK_BYTES);
    expect(await decryptAttachment(ciphertext, { ...expected, key: plain(32) })).toBe('damaged');
    for (const at of [0, 30, ciphertext.length - 1]) {
      const flipped = ciphertext.slice();
      flipped[at] = flipped[at]! ^ 1;
      expect(await decryptAttachment(flipped, expected)).toBe('damaged');
    }
    const chunk = ATTACHMENT_CHUNK_BYTES + 17;
    // Cut after the second chunk, described as that much: the final tag is missing.
    const cut = ciphertext.subarray(0, 24 + 2 * chunk);
    expect(await decryptAttachment(cut, { ...expected, size: 2 * ATTACHMENT_CHUNK_BYTES })).toBe('damaged');
    const extended = new Uint8Array([...ciphertext, 0]);
    expect(await decryptAttachment(extended, expected)).toBe('damaged');
    const swapped = ciphertext.slice();
    swapped.set(ciphertext.subarray(24 + chunk, 24 + 2 * chunk), 24);
    swapped.set(ciphertext.subarray(24, 24 + chunk), 24 + chunk);
    expect(await decryptAttachment(swapped, expected)).toBe('damaged');
  });

  it("refuses another file's blob under this description, even with its key", async () => {
    const a = await sealed(100);
    const b = await sealed(100);
    // The server swapped b's blob in: b's key opens it, but the hash is a's.
    expect(await decryptAttachment(b.ciphertext, { ...a.expected, key: b.key })).toBe('damaged');
  });

  it('opens a blob as it arrives in pieces of any size, and refuses one cut, extended or changed on the way', async () => {
    const bytes = plain(3 * ATTACHMENT_CHUNK_BYTES + 1000);
    const sealed = await encryptAttachment(bytes);
    const expected = { key: sealed.key, size: bytes.length, sha256: sealed.sha256 };
    const inPieces = async (blob: Uint8Array, sizes: () => number) => {
      const decryptor = await attachmentDecryptor(expected);
      for (let at = 0; at < blob.length;) {
        const end = Math.min(blob.length, at + sizes());
        if (!decryptor.push(blob.subarray(at, end))) return 'damaged';
        at = end;
      }
      const opened = decryptor.finish();
      return opened === 'damaged' ? opened : Buffer.from(opened).equals(bytes);
    };
    // One byte at a time, network-sized pieces, and odd ones that straddle every boundary.
    expect(await inPieces(sealed.ciphertext, () => randomInt(1, 4))).toBe(true);
    expect(await inPieces(sealed.ciphertext, () => 16_384)).toBe(true);
    expect(await inPieces(sealed.ciphertext, () => ATTACHMENT_CHUNK_BYTES + 17 + 5)).toBe(true);
    expect(await inPieces(sealed.ciphertext.subarray(0, sealed.ciphertext.length - 1), () => 4096)).toBe('damaged');
    const longer = new Uint8Array(sealed.ciphertext.length + 1);
    longer.set(sealed.ciphertext);
    expect(await inPieces(longer, () => 4096)).toBe('damaged');
    const changed = sealed.ciphertext.slice();
    changed[ATTACHMENT_CHUNK_BYTES + 100] = (changed[ATTACHMENT_CHUNK_BYTES + 100] ?? 0) ^ 1;
    expect(await inPieces(changed, () => 9000)).toBe('damaged');
  });
});
