import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMerkleLog, type MerkleLog } from '../../../shared/audit/merkle-log';
import { merkleTree, type Hash, type Sha256 } from '../../../shared/audit/merkle-tree';

// The incremental log against the linear reference, which the CT vectors already pin down.

const sha256: Sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};
const reference = merkleTree(sha256);

const hex = (hash: Hash) => Buffer.from(hash).toString('hex');
const hexes = (hashes: readonly Hash[]) => hashes.map(hex);
/** Distinct leaves per tag, so a log refilled after a truncate holds hashes it never held before. */
const leaves = (count: number, tag = 'record') =>
  Array.from({ length: count }, (_, i) => reference.leafHash(new TextEncoder().encode(`${tag} ${String(i)}`)));

function logOf(hashes: readonly Hash[]): MerkleLog {
  const log = createMerkleLog(sha256);
  log.append(hashes);
  return log;
}

/** Every head, inclusion proof and consistency proof of the log equals the reference's, and verifies. */
function expectMatchesReference(log: MerkleLog, all: readonly Hash[]): void {
  expect(log.size).toBe(all.length);
  for (let size = 0; size <= all.length; size += 1) {
    const prefix = all.slice(0, size);
    const root = log.root(size);
    expect(hex(root), `root ${String(size)}`).toBe(hex(reference.rootHash(prefix)));
    for (let index = 0; index < size; index += 1) {
      const proof = log.inclusionProof(index, size);
      expect(hexes(proof), `inclusion ${String(index)} in ${String(size)}`).toEqual(
        hexes(reference.inclusionProof(prefix, index)),
      );
      expect(reference.verifyInclusion(all[index]!, index, size, proof, root)).toBe(true);
    }
    for (let oldSize = 1; oldSize <= size; oldSize += 1) {
      const proof = log.consistencyProof(oldSize, size);
      expect(hexes(proof), `consistency ${String(oldSize)} -> ${String(size)}`).toEqual(
        hexes(reference.consistencyProof(prefix, oldSize)),
      );
      expect(reference.verifyConsistency(oldSize, size, proof, log.root(oldSize), root)).toBe(true);
    }
  }
}

describe('merkle log: the same bytes as the reference', () => {
  const all = leaves(70);

  it('matches every head and proof of every size from 0 to 70, built in one append', () => {
    expectMatchesReference(logOf(all), all);
  });

  it('gives the same head after each single append as the reference', () => {
    const log = createMerkleLog(sha256);
    expect(hex(log.root())).toBe(hex(sha256()));
    for (const [i, leaf] of all.entries()) {
      log.append([leaf]);
      expect(hex(log.root()), `size ${String(i + 1)}`).toBe(hex(reference.rootHash(all.slice(0, i + 1))));
      expect(hex(log.leafHash(i))).toBe(hex(leaf));
    }
    expectMatchesReference(log, all);
  });

  it('defaults every size argument to the current size', () => {
    const log = logOf(all.slice(0, 45));
    expect(hex(log.root())).toBe(hex(log.root(45)));
    expect(hexes(log.inclusionProof(17))).toEqual(hexes(log.inclusionProof(17, 45)));
    expect(hexes(log.consistencyProof(13))).toEqual(hexes(log.consistencyProof(13, 45)));
  });

  it('hands out copies, and keeps its own copy of what it is given', () => {
    const given = all.slice(0, 3).map((hash) => hash.slice());
    const log = logOf(given);
    given[0]!.fill(0);
    log.leafHash(1).fill(0);
    log.root(1).fill(0);
    log.inclusionProof(2)[0]!.fill(0);
    expectMatchesReference(log, all.slice(0, 3));
  });
});

describe('merkle log: truncate', () => {
  it('after a truncate and different appends, is the log that never held the dropped leaves', () => {
    const log = logOf(leaves(64, 'dropped'));
    log.truncate(37);
    const kept = [...leaves(64, 'dropped').slice(0, 37), ...leaves(33, 'refilled')];
    log.append(kept.slice(37));
    expectMatchesReference(log, kept);
    log.truncate(0);
    expectMatchesReference(log, []);
    log.append(kept.slice(0, 5));
    expectMatchesReference(log, kept.slice(0, 5));
  });

  it('keeps its heads and proofs across the storage chunk boundaries (16,384 hashes a chunk)', () => {
    const first = leaves(40_000, 'big');
    const log = logOf(first);
    const sizes = [16_383, 16_384, 16_385, 32_768, 40_000];
    for (const size of sizes)
      expect(hex(log.root(size)), `root ${String(size)}`).toBe(hex(reference.rootHash(first.slice(0, size))));
    // Back below the first boundary (releasing chunks), then grow across it with other leaves.
    log.truncate(16_383);
    const refilled = [...first.slice(0, 16_383), ...leaves(20_000, 'after')];
    log.append(refilled.slice(16_383));
    for (const size of [...sizes.slice(0, 3), 36_383])
      expect(hex(log.root(size)), `root ${String(size)}`).toBe(hex(reference.rootHash(refilled.slice(0, size))));
    expect(hexes(log.inclusionProof(16_383))).toEqual(hexes(reference.inclusionProof(refilled, 16_383)));
    expect(hexes(log.consistencyProof(16_384))).toEqual(hexes(reference.consistencyProof(refilled, 16_384)));
  });

  it('matches the reference through random appends and truncates', () => {
    const op = fc.oneof(
      fc.record({ append: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ truncate: fc.double({ min: 0, max: 1, noNaN: true }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(op, fc.nat(), fc.nat()), { maxLength: 25 }), (steps) => {
        const log = createMerkleLog(sha256);
        let model: Hash[] = [];
        let counter = 0;
        for (const [step, probe, oldProbe] of steps) {
          if ('append' in step) {
            const fresh = Array.from({ length: step.append }, () =>
              reference.leafHash(new TextEncoder().encode(`leaf ${String((counter += 1))}`)),
            );
            log.append(fresh);
            model = [...model, ...fresh];
          } else {
            const size = Math.floor(step.truncate * model.length);
            log.truncate(size);
            model = model.slice(0, size);
          }
          expect(log.size).toBe(model.length);
          expect(hex(log.root())).toBe(hex(reference.rootHash(model)));
          if (model.length > 0) {
            const index = probe % model.length;
            const oldSize = (oldProbe % model.length) + 1;
            expect(hex(log.leafHash(index))).toBe(hex(model[index]!));
            expect(hexes(log.inclusionProof(index))).toEqual(hexes(reference.inclusionProof(model, index)));
            expect(hexes(log.consistencyProof(oldSize))).toEqual(hexes(reference.consistencyProof(model, oldSize)));
          }
        }
        // Whatever the history, every earlier head and its proofs are as if built in one go.
        for (let size = 0; size <= model.length; size += 1)
          expect(hex(log.root(size))).toBe(hex(reference.rootHash(model.slice(0, size))));
      }),
    );
  });
});

describe('merkle log: out of range', () => {
  const all = leaves(10);

  it('refuses leaf hashes that are not 32 bytes, appending none of the batch', () => {
    const log = logOf(all.slice(0, 4));
    expect(() => log.append([all[4]!, new Uint8Array(31)])).toThrow(RangeError);
    expect(() => log.append([new Uint8Array(33)])).toThrow(RangeError);
    expect(() => log.append([new Uint8Array(0)])).toThrow(RangeError);
    expectMatchesReference(log, all.slice(0, 4));
    log.append([]);
    expect(log.size).toBe(4);
  });

  it('throws RangeError for sizes and indices outside the tree', () => {
    const empty = createMerkleLog(sha256);
    const log = logOf(all);
    const calls: [string, () => unknown][] = [
      ['truncate past the end', () => log.truncate(11)],
      ['truncate negative', () => log.truncate(-1)],
      ['truncate fractional', () => log.truncate(2.5)],
      ['truncate NaN', () => log.truncate(Number.NaN)],
      ['leaf past the end', () => log.leafHash(10)],
      ['leaf negative', () => log.leafHash(-1)],
      ['leaf of an empty log', () => empty.leafHash(0)],
      ['root past the end', () => log.root(11)],
      ['root negative', () => log.root(-1)],
      ['root fractional', () => log.root(1.5)],
      ['inclusion past the size', () => log.inclusionProof(5, 5)],
      ['inclusion past the end', () => log.inclusionProof(10)],
      ['inclusion in a size past the end', () => log.inclusionProof(0, 11)],
      ['inclusion negative', () => log.inclusionProof(-1)],
      ['inclusion in an empty log', () => empty.inclusionProof(0)],
      ['consistency from 0', () => log.consistencyProof(0)],
      ['consistency backwards', () => log.consistencyProof(6, 5)],
      ['consistency to past the end', () => log.consistencyProof(1, 11)],
      ['consistency fractional', () => log.consistencyProof(1.5)],
      ['consistency in an empty log', () => empty.consistencyProof(1)],
    ];
    for (const [what, call] of calls) expect(call, what).toThrow(RangeError);
    // Nothing above changed the log.
    expectMatchesReference(log, all);
  });
});
