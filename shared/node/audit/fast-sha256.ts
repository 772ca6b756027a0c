/**
 * SHA-256 for the audit tree's leaves and nodes, computed in libsodium's memory: the verifier
 * hashes hundreds of thousands of 65-byte inputs in a row, where per-call overhead is the cost.
 * Used on the verifier's thread and on the tree-roots worker (merkle-roots-worker.ts).
 */
import { hash } from 'node:crypto';
import type { Sha256 } from '../../audit/merkle-tree';
import type { Sodium } from '../crypto/sodium';

/** What of libsodium's WebAssembly module the tree hashing uses (present in the sumo build). */
interface SodiumModule {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _crypto_hash_sha256(out: number, input: number, inputLengthLow: number, inputLengthHigh: number): number;
}

/** Leaf and node inputs are at most 65 bytes; anything longer takes Node's one-shot hash. */
const SCRATCH_BYTES = 256;

/**
 * SHA-256 for the tree's leaves and nodes, hundreds of thousands in a row: the parts are written
 * straight into libsodium's memory and hashed in one call, less than half the cost of Node's
 * one-shot `hash()` at this size (whose per-call overhead dwarfs 65 bytes of hashing). Falls back
 * to `hash()` where the module is not there. `sodium` must be ready on this thread.
 */
export function fastSha256(sodium: Sodium): Sha256 {
  const nodeHash: Sha256 = (...parts) =>
    hash('sha256', parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts), 'buffer');
  const module = (sodium as unknown as { libsodium?: SodiumModule }).libsodium;
  if (module === undefined || typeof module._crypto_hash_sha256 !== 'function') return nodeHash;
  const input = module._malloc(SCRATCH_BYTES);
  const out = module._malloc(32);
  return (...parts) => {
    let length = 0;
    for (const part of parts) length += part.length;
    if (length > SCRATCH_BYTES) return nodeHash(...parts);
    // The heap view is read each time: it is replaced whenever libsodium's memory grows.
    const heap = module.HEAPU8;
    let at = input;
    for (const part of parts) {
      heap.set(part, at);
      at += part.length;
    }
    module._crypto_hash_sha256(out, input, length, 0);
    return module.HEAPU8.slice(out, out + 32);
  };
}
