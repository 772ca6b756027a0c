import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { merkleTree, type Hash } from '../../../shared/audit/merkle-tree';

const { consistencyProof, inclusionProof, leafHash, rootHash, verifyConsistency, verifyInclusion } = merkleTree(
  (...parts) => {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    return new Uint8Array(hash.digest());
  },
);

const hex = (hash: Hash) => Buffer.from(hash).toString('hex');
const unhex = (text: string): Hash => new Uint8Array(Buffer.from(text, 'hex'));

// The Certificate Transparency reference inputs and tree heads for RFC 6962.
const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  unhex,
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const LEAVES = INPUTS.map(leafHash);

const INCLUSION: [number, number, string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

describe('RFC 6962 Merkle tree: the reference vectors', () => {
  it('gives the reference tree head for every size from 0 to 8', () => {
    for (let size = 0; size <= 8; size += 1)
      expect(hex(rootHash(LEAVES.slice(0, size))), `size ${String(size)}`).toBe(ROOTS[size]);
  });

  it.each(INCLUSION)(
    'builds and verifies the reference inclusion proof of leaf %i in a tree of %i',
    (index, size, expected) => {
      const proof = inclusionProof(LEAVES.slice(0, size), index);
      expect(proof.map(hex)).toEqual(expected);
      expect(verifyInclusion(LEAVES[index] as Hash, index, size, proof, unhex(ROOTS[size] as string))).toBe(true);
    },
  );

  it.each(CONSISTENCY)(
    'builds and verifies the reference consistency proof from %i to %i',
    (oldSize, newSize, expected) => {
      const proof = consistencyProof(LEAVES.slice(0, newSize), oldSize);
      expect(proof.map(hex)).toEqual(expected);
      expect(
        verifyConsistency(oldSize, newSize, proof, unhex(ROOTS[oldSize] as string), unhex(ROOTS[newSize] as string)),
      ).toBe(true);
    },
  );
});

describe('RFC 6962 Merkle tree: every shape, and what it catches', () => {
  const many = Array.from({ length: 40 }, (_, i) => leafHash(new Uint8Array([i, i * 7, 255 - i])));

  it("verifies every leaf's inclusion in every tree size, and nothing at the wrong place", () => {
    for (let size = 1; size <= many.length; size += 1) {
      const leaves = many.slice(0, size);
      const root = rootHash(leaves);
      for (let index = 0; index < size; index += 1) {
        const proof = inclusionProof(leaves, index);
        expect(verifyInclusion(leaves[index] as Hash, index, size, proof, root)).toBe(true);
        if (size > 1) expect(verifyInclusion(leaves[index] as Hash, (index + 1) % size, size, proof, root)).toBe(false);
        expect(verifyInclusion(leafHash(new Uint8Array([9, 9, 9])), index, size, proof, root)).toBe(false);
      }
    }
  });

  it('verifies consistency between every pair of sizes, and refuses a rewritten or cut history', () => {
    for (let newSize = 1; newSize <= many.length; newSize += 1) {
      const newRoot = rootHash(many.slice(0, newSize));
      for (let oldSize = 1; oldSize <= newSize; oldSize += 1) {
        const oldRoot = rootHash(many.slice(0, oldSize));
        const proof = consistencyProof(many.slice(0, newSize), oldSize);
        expect(
          verifyConsistency(oldSize, newSize, proof, oldRoot, newRoot),
          `${String(oldSize)} -> ${String(newSize)}`,
        ).toBe(true);
        // A head whose history differs (one old record rewritten) fails against the same proof.
        const rewritten = [...many.slice(0, newSize)];
        rewritten[0] = leafHash(new Uint8Array([1]));
        if (oldSize < newSize)
          expect(verifyConsistency(oldSize, newSize, proof, oldRoot, rootHash(rewritten))).toBe(false);
      }
    }
    // A later head that is shorter than an earlier one proves nothing.
    expect(verifyConsistency(8, 6, [], rootHash(many.slice(0, 8)), rootHash(many.slice(0, 6)))).toBe(false);
  });

  it('refuses a tampered proof element', () => {
    const proof = inclusionProof(many, 17);
    const bent = proof.map((hash, i) =>
      i === 1 ? Uint8Array.from(hash, (byte, j) => (j === 0 ? byte ^ 1 : byte)) : hash,
    );
    expect(verifyInclusion(many[17] as Hash, 17, many.length, bent, rootHash(many))).toBe(false);
    expect(verifyInclusion(many[17] as Hash, 17, many.length, proof.slice(1), rootHash(many))).toBe(false);
  });
});
