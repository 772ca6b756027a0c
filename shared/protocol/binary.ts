/**
 * Binary values cross the wire as standard base64. The schema checks the alphabet and the exact
 * decoded length from the string alone (no decoding in shared code, which runs everywhere), so a
 * key of the wrong size is refused at the edge, before any crypto sees it.
 */
import { z } from 'zod';

/**
 * Canonical base64 only: the character before padding must have its unused low bits zero, so
 * each byte string has exactly one spelling (a key cannot get two fingerprints, a signature
 * cannot be re-spelled past a string comparison).
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

/** Length in bytes of a well-formed base64 string. */
export function base64ByteLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** Base64 for exactly `bytes` bytes. */
export function fixedBytes(bytes: number) {
  return z
    .string()
    .max(Math.ceil(bytes / 3) * 4)
    .regex(BASE64)
    .refine((text) => base64ByteLength(text) === bytes, { message: `expected ${String(bytes)} bytes` });
}

/** Base64 for between `min` and `max` bytes. */
export function boundedBytes(min: number, max: number) {
  return z
    .string()
    .max(Math.ceil(max / 3) * 4)
    .regex(BASE64)
    .refine(
      (text) => {
        const length = base64ByteLength(text);
        return length >= min && length <= max;
      },
      { message: `expected ${String(min)}-${String(max)} bytes` },
    );
}

export const KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const SALT_BYTES = 16;
/** XChaCha20-Poly1305 nonce. */
export const NONCE_BYTES = 24;

export const publicKey = fixedBytes(KEY_BYTES);
export const signature = fixedBytes(SIGNATURE_BYTES);
