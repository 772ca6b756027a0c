/**
 * BLAKE2b-256 over the concatenation of the parts, through libsodium (WebAssembly: the same
 * bytes in main's store worker, the server and the offline verifier). Callers must have awaited
 * libsodium's `ready` on their thread first (the store worker does before opening the log).
 */
import sodium from 'libsodium-wrappers-sumo';
import { HASH_BYTES, type Blake2b256 } from './audit-chain';

export const blake2b256: Blake2b256 = (...parts) => {
  const state = sodium.crypto_generichash_init(null, HASH_BYTES);
  for (const part of parts) sodium.crypto_generichash_update(state, part);
  return sodium.crypto_generichash_final(state, HASH_BYTES);
};
