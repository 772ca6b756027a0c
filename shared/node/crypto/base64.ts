/**
 * Wire bytes as standard base64, decoded strictly, for both the workstation and the server.
 * Node's decoder skips characters outside the alphabet, accepts base64url, and ignores non-zero
 * bits in the last character, so many strings decode to the same bytes. Here only the one
 * canonical encoding of some bytes is accepted: a signature string with a changed character never
 * verifies, and a key has exactly one spelling (what fingerprints and envelope key checks compare).
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The bytes, or null unless `text` is the canonical base64 of `minBytes` to `maxBytes` bytes.
 * Decoded into memory of its own (never Node's shared buffer pool), so a caller can wipe it.
 */
export function fromBase64(text: unknown, minBytes: number, maxBytes = minBytes): Uint8Array | null {
  if (typeof text !== 'string' || text.length > Math.ceil(maxBytes / 3) * 4 || !BASE64.test(text)) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const length = (text.length / 4) * 3 - padding;
  if (length < minBytes || length > maxBytes) return null;
  const bytes = new Uint8Array(length);
  Buffer.from(bytes.buffer).write(text, 'base64');
  if (toBase64(bytes) !== text) {
    bytes.fill(0);
    return null;
  }
  return bytes;
}

/** Whether `text` is the canonical base64 of exactly `bytes` bytes. */
export function isCanonicalBase64(text: unknown, bytes: number): boolean {
  return fromBase64(text, bytes) !== null;
}
