/**
 * The hash and signature functions the verifier runs on under Node: SHA-256 and the entry hashes
 * computed straight in libsodium's memory (per-call wrappers and hash objects cost more than the
 * hashing), Ed25519 from libsodium, and the tree's roots on a worker thread, so the Merkle hashing
 * and the chain walk use both cores.
 */
import { hash } from 'node:crypto';
import { blake2b256, createEntryHasher } from '../../audit/blake2b';
import type { Sodium } from '../crypto/sodium';
import type { Sha256 } from '../../audit/merkle-tree';
import { treeRootsOnWorker } from './merkle-roots';
import type { VerifyCrypto } from './trail-verifier';

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

export function nodeVerifyCrypto(sodium: Sodium, options: { treeRootsOnWorker?: boolean } = {}): VerifyCrypto {
  return {
    sha256: fastSha256(sodium),
    ...(options.treeRootsOnWorker === false ? {} : { treeRoots: treeRootsOnWorker }),
    blake2b: blake2b256,
    entryHash: createEntryHasher(),
    verifySignature: (key, message, signature) => {
      try {
        return sodium.crypto_sign_verify_detached(
          Buffer.from(signature, 'base64'),
          message,
          Buffer.from(key, 'base64'),
        );
      } catch {
        return false;
      }
    },
  };
}
