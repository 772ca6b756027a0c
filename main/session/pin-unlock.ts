/**
 * The PIN that unlocks a locked session. When the clinician sets it, the session's unlock
 * secret (the password-derived wrap key, which opens their vault and their identity keys) is
 * sealed under Argon2id(PIN) and kept in their vault; each full sign-in loads the sealed copy
 * into memory. While locked, memory holds only that sealed copy: no vault key, no identity
 * key, nothing the PIN does not have to open first. A short PIN can be guessed offline by
 * someone who can read this process's memory, which is why five wrong PINs end the session,
 * 12 hours force the password, and policy may forbid PINs.
 */
import type { KdfParams } from '../keys/kdf-params';
import { SALT_BYTES, type PasswordKeys } from '../keys/password-kdf';
import { fromBase64, toBase64 } from '../../shared/node/crypto/base64';
import { loadSodium } from '../../shared/node/crypto/sodium';

export interface PinRecord {
  readonly v: 1;
  readonly salt: string;
  readonly kdf: KdfParams;
  readonly nonce: string;
  readonly sealed: string;
}

export type DeriveKeys = (secret: string, salt: Uint8Array, params: KdfParams) => Promise<PasswordKeys>;

/** The largest base64 field a record may carry: the sealed 32-byte secret and its tag fit well inside. */
const MAX_FIELD_BYTES = 1024;

/** A PIN is digits only: what a numeric keypad on a ward can enter quickly. */
export function pinWellFormed(pin: string, minLength: number): boolean {
  return /^\d+$/.test(pin) && pin.length >= minLength && pin.length <= 12;
}

async function pinKey(derive: DeriveKeys, pin: string, salt: Uint8Array, kdf: KdfParams): Promise<Uint8Array> {
  const keys = await derive(pin, salt, kdf);
  keys.authKey.fill(0);
  return keys.wrapKey;
}

export async function sealWithPin(
  derive: DeriveKeys,
  pin: string,
  secret: Uint8Array,
  kdf: KdfParams,
): Promise<PinRecord> {
  const sodium = await loadSodium();
  const salt = sodium.randombytes_buf(SALT_BYTES);
  const key = await pinKey(derive, pin, salt, kdf);
  try {
    const nonce = sodium.randombytes_buf(sodium.crypto_secretbox_NONCEBYTES);
    return {
      v: 1,
      salt: toBase64(salt),
      kdf,
      nonce: toBase64(nonce),
      sealed: toBase64(sodium.crypto_secretbox_easy(secret, nonce, key)),
    };
  } finally {
    key.fill(0);
  }
}

/** The secret, or null for a wrong PIN (or a damaged record, which reads the same). */
export async function openWithPin(derive: DeriveKeys, pin: string, record: PinRecord): Promise<Uint8Array | null> {
  const sodium = await loadSodium();
  const salt = fromBase64(record.salt, SALT_BYTES);
  const nonce = fromBase64(record.nonce, sodium.crypto_secretbox_NONCEBYTES);
  const sealed = fromBase64(record.sealed, sodium.crypto_secretbox_MACBYTES, MAX_FIELD_BYTES);
  if (salt === null || nonce === null || sealed === null) return null;
  const key = await pinKey(derive, pin, salt, record.kdf);
  try {
    return sodium.crypto_secretbox_open_easy(sealed, nonce, key);
  } catch {
    return null;
  } finally {
    key.fill(0);
  }
}

/** A stored record, checked field by field (it comes back from disk). */
export function parsePinRecord(text: string | null): PinRecord | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<PinRecord>;
    const b64ok = (v: unknown) => fromBase64(v, 1, MAX_FIELD_BYTES) !== null;
    if (value.v !== 1 || !b64ok(value.salt) || !b64ok(value.nonce) || !b64ok(value.sealed)) return null;
    if (typeof value.kdf?.memoryMiB !== 'number' || typeof value.kdf.passes !== 'number') return null;
    return value as PinRecord;
  } catch {
    return null;
  }
}
