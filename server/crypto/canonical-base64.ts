/**
 * Strict base64 for anything the server hands to crypto. Node's decoder ignores stray bits in
 * the last character, so several strings decode to one key or signature; here only the one
 * canonical spelling of some bytes is accepted, so a key has exactly one text form (what
 * fingerprints and the envelope's key checks compare) and a changed signature string never
 * verifies.
 */
export function canonicalBase64Bytes(text: string, expectedBytes: number): Uint8Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== expectedBytes || bytes.toString('base64') !== text) return null;
  return new Uint8Array(bytes);
}

export function isCanonicalBase64(text: string, expectedBytes: number): boolean {
  return canonicalBase64Bytes(text, expectedBytes) !== null;
}
