/**
 * The hash and signature functions the verifier runs on under Node: SHA-256 and the entry hashes
 * computed straight in libsodium's memory (per-call wrappers and hash objects cost more than the
 * hashing), Ed25519 from libsodium, and the tree's roots on a worker thread, so the Merkle hashing
 * and the chain walk use both cores.
 */
import { blake2b256, createEntryHasher } from '../../audit/blake2b';
import { ed25519Verifier } from '../crypto/ed25519';
import type { Sodium } from '../crypto/sodium';
import { treeRootsOnWorker } from './merkle-roots';
import type { VerifyCrypto } from '../../audit/trail-verification';
import { fastSha256 } from './fast-sha256';

export function nodeVerifyCrypto(sodium: Sodium, options: { treeRootsOnWorker?: boolean } = {}): VerifyCrypto {
  return {
    sha256: fastSha256(sodium),
    ...(options.treeRootsOnWorker === false ? {} : { treeRoots: treeRootsOnWorker }),
    blake2b: blake2b256,
    entryHash: createEntryHasher(),
    verifySignature: ed25519Verifier(sodium),
  };
}
