/**
 * One-time enrollment codes: how a person IT has created (or whose password IT has reset) sets
 * their own password. IT sees the code once and hands it over; the person types it with a new
 * password at sign-in. 20 Crockford base32 characters (100 bits), shown in groups of four; the
 * server keeps only a digest, spends it once, and counts wrong codes in the sign-in throttle.
 */
import { z } from 'zod';

/** As the Teams and TigerConnect consoles' invitations: long enough for a weekend, short enough to expire unused. */
export const ENROLLMENT_CODE_TTL_MS = 72 * 60 * 60 * 1000;
export const ENROLLMENT_CODE_CHARS = 20;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The canonical form on the wire: upper case, no separators. */
export const enrollmentCode = z.string().regex(new RegExp(`^[${ALPHABET}]{${ENROLLMENT_CODE_CHARS}}$`));

/** Random bytes (at least 13) to a code; the caller supplies the randomness. */
export function enrollmentCodeFrom(random: Uint8Array): string {
  if (random.length * 8 < ENROLLMENT_CODE_CHARS * 5) throw new RangeError('not enough randomness for a code');
  let bits = 0n;
  for (const byte of random.subarray(0, 13)) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = 0; i < ENROLLMENT_CODE_CHARS; i += 1) code += ALPHABET.charAt(Number((bits >> BigInt(i * 5)) & 31n));
  return code;
}

/**
 * What a person typed, as the canonical code: any case, spaces and dashes ignored, and the letters
 * people mistake for digits read as those digits (Crockford). Null if it cannot be a code.
 */
export function normalizeEnrollmentCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return enrollmentCode.safeParse(code).success ? code : null;
}

/** The code as IT reads it out: groups of four (`K7QM-3XPD-…`). */
export function displayEnrollmentCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}
