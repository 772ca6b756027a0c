/**
 * The server's audit Merkle tree, kept incrementally: the same RFC 6962 tree heads, inclusion
 * proofs and consistency proofs as shared/audit/merkle-tree.ts, which recomputes everything from
 * the leaf hashes (linear per call) and is this module's test oracle. The server appends records
 * for years and answers proofs against any earlier head, so here an append costs amortised O(1)
 * hashes and a head or proof O(log n).
 *
 * Not a library: no npm Merkle package implements RFC 6962's odd-sized split and both proof
 * kinds incrementally, and the reference already pins down the bytes.
 *
 * What is kept: for every level h, the hash of each complete subtree of 2^h leaves aligned on a
 * multiple of 2^h (level 0 holds the leaf hashes). Each depends only on its own leaves, so it
 * never changes once written, and truncating is forgetting the ones that reach past the new size.
 * Any range RFC 6962 splits a tree into is a run of such subtrees, so it costs O(log n) hashes.
 */
import { merkleTree, type Hash, type Sha256 } from './merkle-tree';

export interface MerkleLog {
  /** The number of leaves. */
  readonly size: number;
  /** Adds RFC 6962 leaf hashes (SHA-256(0x00 || record)), 32 bytes each; all or none. */
  append(leafHashes: readonly Hash[]): void;
  /** Forgets the leaves from `size` on, as though they had never been appended. */
  truncate(size: number): void;
  leafHash(index: number): Hash;
  /** MTH of the first `size` leaves. */
  root(size?: number): Hash;
  /** PATH(index, D[size]). */
  inclusionProof(index: number, size?: number): Hash[];
  /** PROOF(oldSize, D[newSize]); oldSize ≥ 1, as in the reference. */
  consistencyProof(oldSize: number, newSize?: number): Hash[];
}

const HASH_BYTES = 32;
// Hashes per chunk (512 KiB). Levels grow by whole chunks rather than by doubling one buffer, so
// growth never copies more than a chunk, wastes at most a chunk per level, and the leaf level is
// not capped by the largest typed array (4 GiB, 2^27 hashes).
const CHUNK = 16_384;
const FIRST_CHUNK = 16;

/** One level's hashes, packed 32 bytes apiece into chunks that are all full size but the last. */
class HashColumn {
  private readonly chunks: Uint8Array[] = [];

  /** A view of hash `i`, valid until the next write; callers copy what they hand out. */
  get(i: number): Uint8Array {
    const chunk = this.chunks[Math.floor(i / CHUNK)] as Uint8Array;
    const at = (i % CHUNK) * HASH_BYTES;
    return chunk.subarray(at, at + HASH_BYTES);
  }

  /** Writes hash `i`; `i` is at most one past the last hash written. */
  set(i: number, hash: Hash): void {
    const c = Math.floor(i / CHUNK);
    const at = (i % CHUNK) * HASH_BYTES;
    let chunk = this.chunks[c];
    if (chunk === undefined) {
      // Only the first chunk starts small: most levels of a large tree hold a handful of hashes.
      chunk = new Uint8Array((c === 0 ? FIRST_CHUNK : CHUNK) * HASH_BYTES);
      this.chunks.push(chunk);
    } else if (at === chunk.length) {
      const grown = new Uint8Array(Math.min(chunk.length * 2, CHUNK * HASH_BYTES));
      grown.set(chunk);
      this.chunks[c] = chunk = grown;
    }
    chunk.set(hash, at);
  }

  /** Releases whole chunks past the first `count` hashes (a rollback can follow a big append). */
  keep(count: number): void {
    this.chunks.length = Math.min(this.chunks.length, Math.ceil(count / CHUNK));
  }
}

/** The largest power of two smaller than n (n ≥ 2): RFC 6962's split point. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkSize(value: number, min: number, max: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`${what} outside the tree`);
}

export function createMerkleLog(sha256: Sha256): MerkleLog {
  const { nodeHash } = merkleTree(sha256);
  // levels[h] holds the complete subtrees of 2^h leaves: floor(size / 2^h) of them are current.
  const levels: HashColumn[] = [new HashColumn()];
  let size = 0;

  /**
   * MTH(D[start:end]) for a range of RFC 6962's split, whose start is a multiple of a power of two
   * at least end - start: the range is then complete subtrees of decreasing size (the binary digits
   * of its length), joined from the right. Sizes stay doubles: no 32-bit bit operators.
   */
  function rangeHash(start: number, end: number): Hash {
    let width = 1;
    let level = 0;
    while (width * 2 <= end - start) {
      width *= 2;
      level += 1;
    }
    const pieces: Uint8Array[] = [];
    for (let at = start; at < end; width /= 2, level -= 1) {
      if (at + width > end) continue;
      pieces.push((levels[level] as HashColumn).get(at / width));
      at += width;
    }
    let hash = pieces.pop() as Uint8Array;
    if (pieces.length === 0) return hash.slice();
    while (pieces.length > 0) hash = nodeHash(pieces.pop() as Uint8Array, hash);
    return hash;
  }

  return {
    get size() {
      return size;
    },

    append(leafHashes) {
      for (const leaf of leafHashes) {
        if (leaf.length !== HASH_BYTES)
          throw new RangeError(`a leaf hash is ${String(HASH_BYTES)} bytes, not ${String(leaf.length)}`);
      }
      for (const leaf of leafHashes) {
        (levels[0] as HashColumn).set(size, leaf);
        // Each new leaf that ends a right child completes its parent; carry up like a binary counter.
        let index = size;
        for (let level = 0; index % 2 === 1; level += 1) {
          const column = levels[level] as HashColumn;
          index = (index - 1) / 2;
          if (levels.length === level + 1) levels.push(new HashColumn());
          (levels[level + 1] as HashColumn).set(index, nodeHash(column.get(2 * index), column.get(2 * index + 1)));
        }
        size += 1;
      }
    },

    truncate(newSize) {
      checkSize(newSize, 0, size, 'truncated size');
      // Every cached subtree lying wholly below newSize is unchanged; the rest are simply out of range
      // (and overwritten by later appends), so nothing has to be recomputed.
      let width = 1;
      for (const column of levels) {
        column.keep(Math.floor(newSize / width));
        width *= 2;
      }
      size = newSize;
    },

    leafHash(index) {
      checkSize(index, 0, size - 1, 'leaf index');
      return (levels[0] as HashColumn).get(index).slice();
    },

    root(treeSize = size) {
      checkSize(treeSize, 0, size, 'tree size');
      return treeSize === 0 ? sha256() : rangeHash(0, treeSize);
    },

    // The reference's recursion unrolled, top down, so the path comes out reversed. Only the first
    // sibling on the right can be a partial subtree; below it every range is complete.
    inclusionProof(index, treeSize = size) {
      checkSize(treeSize, 1, size, 'tree size');
      checkSize(index, 0, treeSize - 1, 'leaf index');
      const path: Hash[] = [];
      let start = 0;
      let n = treeSize;
      while (n > 1) {
        const k = splitPoint(n);
        if (index < start + k) {
          path.push(rangeHash(start + k, start + n));
          n = k;
        } else {
          path.push(rangeHash(start, start + k));
          start += k;
          n -= k;
        }
      }
      return path.reverse();
    },

    consistencyProof(oldSize, newSize = size) {
      checkSize(newSize, 1, size, 'new size');
      checkSize(oldSize, 1, newSize, 'old size');
      const path: Hash[] = [];
      let start = 0;
      let m = oldSize;
      let n = newSize;
      // Whether the old tree is still a left edge of this subtree (RFC 6962's `true` flag of SUBPROOF).
      let complete = true;
      while (m !== n) {
        const k = splitPoint(n);
        if (m <= k) {
          path.push(rangeHash(start + k, start + n));
          n = k;
        } else {
          path.push(rangeHash(start, start + k));
          start += k;
          m -= k;
          n -= k;
          complete = false;
        }
      }
      if (!complete) path.push(rangeHash(start, start + n));
      return path.reverse();
    },
  };
}
