/**
 * The RFC 6962 Merkle tree (as restated in RFC 9162 §2.1) that will hold every audit record on
 * the server: leaf hashes SHA-256(0x00 || data), node hashes SHA-256(0x01 || left || right),
 * the tree head over any prefix, inclusion proofs (a record is in the tree) and consistency
 * proofs (a later head extends an earlier one, so nothing was dropped or rewritten).
 *
 * Written here rather than taken from a library: none of the npm Merkle packages implements
 * RFC 6962's odd-sized split and both proof kinds with their verifiers, and this is short. It
 * is checked against the Certificate Transparency test vectors. SHA-256 is passed in (shared/
 * imports nothing process-specific): node:crypto in main, the server and the verifier.
 *
 * Proof generation recomputes subtree hashes from the leaf hashes (linear in the tree size);
 * the server can keep node hashes later without changing what a proof is.
 */
export type Hash = Uint8Array;
/** SHA-256 over the concatenation of the parts. */
export type Sha256 = (...parts: readonly Uint8Array[]) => Hash;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export function sameHash(a: Hash, b: Hash): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The largest power of two smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Sizes can pass 2^31 over years of records: halving and parity without 32-bit bit operators.
const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

/**
 * The walk both verifiers share (RFC 9162 §2.1.3.2 and §2.1.4.2): each proof element joins on
 * the left or on the right of the running hash, while `fn` (our node) and `sn` (the tree's last
 * node) climb. False if the proof is longer than the path, else whether it reached the top.
 */
function walkPath(
  fn: number,
  sn: number,
  proof: readonly Hash[],
  join: { left(p: Hash): void; right(p: Hash): void },
): boolean {
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      join.left(p);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      join.right(p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0;
}

/** The tree's operations over a given SHA-256. */
export function merkleTree(sha256: Sha256) {
  const leafHash = (data: Uint8Array): Hash => sha256(LEAF_PREFIX, data);
  const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE_PREFIX, left, right);

  /** MTH(D[n]): the root over these leaf hashes; SHA-256 of nothing for an empty tree. */
  function rootHash(leaves: readonly Hash[]): Hash {
    if (leaves.length === 0) return sha256();
    if (leaves.length === 1) return leaves[0] as Hash;
    const k = splitPoint(leaves.length);
    return nodeHash(rootHash(leaves.slice(0, k)), rootHash(leaves.slice(k)));
  }

  /** PATH(m, D[n]): the audit path of leaf `index` in the tree of these leaves. */
  function inclusionProof(leaves: readonly Hash[], index: number): Hash[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= leaves.length)
      throw new RangeError('leaf index outside the tree');
    if (leaves.length === 1) return [];
    const k = splitPoint(leaves.length);
    return index < k
      ? [...inclusionProof(leaves.slice(0, k), index), rootHash(leaves.slice(k))]
      : [...inclusionProof(leaves.slice(k), index - k), rootHash(leaves.slice(0, k))];
  }

  function subproof(m: number, leaves: readonly Hash[], complete: boolean): Hash[] {
    const n = leaves.length;
    if (m === n) return complete ? [] : [rootHash(leaves)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, leaves.slice(0, k), complete), rootHash(leaves.slice(k))]
      : [...subproof(m - k, leaves.slice(k), false), rootHash(leaves.slice(0, k))];
  }

  /** PROOF(m, D[n]): that the tree of the first `m` leaves is a prefix of the tree of all of them. */
  function consistencyProof(leaves: readonly Hash[], m: number): Hash[] {
    if (!Number.isSafeInteger(m) || m < 1 || m > leaves.length) throw new RangeError('old size outside the tree');
    return subproof(m, leaves, true);
  }

  /** RFC 9162 §2.1.3.2: whether `proof` puts `leaf` at `index` in the tree of `size` with `root`. */
  function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
    let r = leaf;
    const reached = walkPath(index, size - 1, proof, {
      left: (p) => (r = nodeHash(p, r)),
      right: (p) => (r = nodeHash(r, p)),
    });
    return reached && sameHash(r, root);
  }

  /** RFC 9162 §2.1.4.2: whether `proof` shows the tree of `newSize` extends the tree of `oldSize`. */
  function verifyConsistency(
    oldSize: number,
    newSize: number,
    proof: readonly Hash[],
    oldRoot: Hash,
    newRoot: Hash,
  ): boolean {
    if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 1 || oldSize > newSize)
      return false;
    if (oldSize === newSize) return proof.length === 0 && sameHash(oldRoot, newRoot);
    // An old tree of a power-of-two size is a whole subtree: its root starts the path.
    const path = Number.isInteger(Math.log2(oldSize)) ? [oldRoot, ...proof] : [...proof];
    const [first, ...rest] = path;
    if (first === undefined) return false;
    let fn = oldSize - 1;
    let sn = newSize - 1;
    while (odd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    let fr = first;
    let sr = first;
    const reached = walkPath(fn, sn, rest, {
      left: (c) => {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
      },
      right: (c) => (sr = nodeHash(sr, c)),
    });
    return reached && sameHash(fr, oldRoot) && sameHash(sr, newRoot);
  }

  return { leafHash, nodeHash, rootHash, inclusionProof, consistencyProof, verifyInclusion, verifyConsistency };
}

export type MerkleTree = ReturnType<typeof merkleTree>;
