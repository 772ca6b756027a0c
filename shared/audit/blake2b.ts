/**
 * BLAKE2b-256 over the concatenation of the parts, through libsodium (WebAssembly: the same
 * bytes in main's store worker, the server and the offline verifier). Callers must have awaited
 * libsodium's `ready` on their thread first (the store worker does before opening the log).
 */
import sodium from 'libsodium-wrappers-sumo';
import { canonicalRecord, ENTRY_LABEL, entryHash, HASH_BYTES, type Blake2b256, type EntryHasher } from './audit-chain';

export const blake2b256: Blake2b256 = (...parts) => {
  const state = sodium.crypto_generichash_init(null, HASH_BYTES);
  for (const part of parts) sodium.crypto_generichash_update(state, part);
  return sodium.crypto_generichash_final(state, HASH_BYTES);
};

/** What of libsodium's WebAssembly module the entry hasher uses (present in the sumo build). */
interface SodiumModule {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _crypto_generichash(
    out: number,
    outLength: number,
    input: number,
    inputLengthLow: number,
    inputLengthHigh: number,
    key: number,
    keyLength: number,
  ): number;
}

/** Room for label, previous hash and a record's text; a longer text takes the general path. */
const SCRATCH_BYTES = 16 * 1024;

/**
 * Entry hashes as a verifier or the device log computes them, many in a row: label, previous
 * hash and the record's UTF-8 text are written straight into one buffer inside libsodium's
 * memory and hashed in one call. The wrappers' init/update/final copy every part in and out and
 * allocate per call, which made hashing and the garbage it left the larger part of verifying a
 * trail. Same bytes as `entryHash` (a test holds it to that). One per thread, after `ready`.
 */
export function createEntryHasher(): EntryHasher {
  const module = (sodium as unknown as { libsodium?: SodiumModule }).libsodium;
  const general: EntryHasher = (previous, record) => entryHash(blake2b256, previous, record);
  if (module === undefined || typeof module._crypto_generichash !== 'function') return general;
  const input = module._malloc(SCRATCH_BYTES);
  const out = module._malloc(HASH_BYTES);
  const textAt = input + ENTRY_LABEL.length + HASH_BYTES;
  const encoder = new TextEncoder();
  return (previous, record) => {
    if (previous.length !== HASH_BYTES) return general(previous, record);
    const text = canonicalRecord(record);
    // The heap view is read each time: it is replaced whenever libsodium's memory grows.
    const heap = module.HEAPU8;
    const { read, written } = encoder.encodeInto(text, heap.subarray(textAt, input + SCRATCH_BYTES));
    if (read !== text.length) return general(previous, record);
    heap.set(ENTRY_LABEL, input);
    heap.set(previous, input + ENTRY_LABEL.length);
    if (module._crypto_generichash(out, HASH_BYTES, input, ENTRY_LABEL.length + HASH_BYTES + written, 0, 0, 0) !== 0)
      return general(previous, record);
    return module.HEAPU8.slice(out, out + HASH_BYTES);
  };
}
