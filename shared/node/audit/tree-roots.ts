/**
 * The audit tree's roots over a block of entry hashes, computed on the calling thread: what the
 * verifier does where there is no worker, and what the worker (merkle-roots-worker.ts) runs.
 */
import { createMerkleLog } from '../../audit/merkle-log';
import { merkleTree, type Hash, type Sha256 } from '../../audit/merkle-tree';
import type { TreeRoots } from '../../audit/trail-verification';

export function treeRootsHere(sha256: Sha256): TreeRoots {
  const tree = merkleTree(sha256);
  return (entryHashes, count, sizes) => {
    const log = createMerkleLog(sha256);
    const leaves: Hash[] = [];
    for (let i = 0; i < count; i++) leaves.push(tree.leafHash(entryHashes.subarray(i * 32, i * 32 + 32)));
    log.append(leaves);
    return Promise.resolve(sizes.map((size) => log.root(size)));
  };
}
