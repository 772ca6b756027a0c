/**
 * The hash and signature functions the verifier runs on under Node: one-shot SHA-256 (a
 * createHash object per leaf costs more than the hash), BLAKE2b and Ed25519 from libsodium, and
 * the tree's roots on a worker thread, so the Merkle hashing and the chain walk use both cores.
 */
import { hash } from 'node:crypto';
import { blake2b256 } from '../../shared/audit/blake2b';
import type { Sodium } from '../crypto/sodium';
import type { Sha256 } from '../../shared/audit/merkle-tree';
import { treeRootsOnWorker } from './merkle-roots';
import type { VerifyCrypto } from './trail-verifier';

/** One-shot SHA-256; leaf and node inputs (at most 65 bytes) are assembled in one reused buffer. */
export function fastSha256(): Sha256 {
  const scratch = Buffer.alloc(256);
  return (...parts) => {
    let length = 0;
    for (const part of parts) length += part.length;
    if (length > scratch.length) return hash('sha256', Buffer.concat(parts), 'buffer');
    let at = 0;
    for (const part of parts) {
      scratch.set(part, at);
      at += part.length;
    }
    return hash('sha256', scratch.subarray(0, length), 'buffer');
  };
}

export function nodeVerifyCrypto(sodium: Sodium, options: { treeRootsOnWorker?: boolean } = {}): VerifyCrypto {
  return {
    sha256: fastSha256(),
    ...(options.treeRootsOnWorker === false ? {} : { treeRoots: treeRootsOnWorker }),
    blake2b: blake2b256,
    verifySignature: (key, message, signature) => {
      try {
        return sodium.crypto_sign_verify_detached(Buffer.from(signature, 'base64'), message, Buffer.from(key, 'base64'));
      } catch {
        return false;
      }
    },
  };
}
