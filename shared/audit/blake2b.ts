/**
 * BLAKE2b-256 over the concatenation of the parts, through libsodium. Callers must have awaited
 * `loadSodium()` on their thread first (the store worker does before opening the audit log).
 */
import sodium from 'libsodium-wrappers-sumo';
import type { Blake2b256 } from '../../shared/audit/audit-chain';
import { HASH_BYTES } from '../../shared/audit/audit-chain';

export const blake2b256: Blake2b256 = (...parts) => {
  const state = sodium.crypto_generichash_init(null, HASH_BYTES);
  for (const part of parts) sodium.crypto_generichash_update(state, part);
  return sodium.crypto_generichash_final(state, HASH_BYTES);
};
