/**
 * The client's password derivation, for accounts the server creates with a known password
 * (admin tooling, the demo directory): Argon2id(password, salt) → master key, then
 * HKDF-SHA256(master key, salt, AUTH_KEY_INFO). It must give exactly the auth key the client
 * derives (main/keys/password-kdf.ts), or those users could never sign in.
 */
import { hkdfSync } from 'node:crypto';
import { AUTH_KEY_INFO } from '../../shared/protocol/auth';
import { KEY_BYTES } from '../../shared/protocol/binary';
import type { PasswordHasher } from './password-hasher';

export async function deriveAuthKey(
  hasher: PasswordHasher,
  password: string,
  salt: Uint8Array,
  params: { memoryMiB: number; passes: number },
): Promise<Uint8Array> {
  // NFC, as the client does, so a password typed on any keyboard gives the same bytes.
  const passwordBytes = new TextEncoder().encode(password.normalize('NFC'));
  const masterKey = await hasher.derive(passwordBytes, salt, params, KEY_BYTES);
  try {
    return new Uint8Array(hkdfSync('sha256', masterKey, salt, AUTH_KEY_INFO, KEY_BYTES));
  } finally {
    masterKey.fill(0);
  }
}
