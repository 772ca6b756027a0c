/**
 * One Argon2id derivation (libsodium `crypto_pwhash`, ARGON2ID13), as the workstation derives a
 * clinician's master key and the server derives it for accounts it creates itself. The key comes
 * back in a buffer of exactly its length, owned by the calling thread so a worker can transfer it
 * whole; libsodium's own copy is zeroed. Callers run it in a worker thread: it takes a tenth of a
 * second or more and as much memory as its cost.
 */
import type { Sodium } from './sodium';

export interface Argon2idInput {
  readonly password: Uint8Array;
  readonly salt: Uint8Array;
  readonly memoryMiB: number;
  readonly passes: number;
  readonly keyBytes: number;
}

const MiB = 1024 * 1024;

export function deriveArgon2id(sodium: Sodium, input: Argon2idInput): ArrayBuffer {
  const derived = sodium.crypto_pwhash(
    input.keyBytes,
    input.password,
    input.salt,
    input.passes,
    input.memoryMiB * MiB,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  const owned = new Uint8Array(input.keyBytes);
  owned.set(derived);
  derived.fill(0);
  return owned.buffer;
}
