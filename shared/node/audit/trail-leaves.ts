/**
 * A full export's leaves: every record in tree order (readable, unreadable and purged alike, an
 * unreadable or purged one keeping its place by its stored hash, so the rest of the tree still
 * checks), each hash decoded once into one shared buffer, and the roots the checks will compare
 * started over it (on a worker where there is one) before the chains are walked. The walk stops
 * at the first place that is missing, taken twice or cannot be checked: the tree ends there.
 */
import type { StoredEntry } from '../../audit/audit-entry';
import type { PurgedRecord, UnreadableRecord } from '../../audit/trail-export';
import type { TrailBreak, VerifyCrypto } from '../../audit/trail-verification';
import { byTreeIndex, hexBytes, type TrailView } from './trail-view';
import { treeRootsHere } from './tree-roots';

export type Leaf = StoredEntry | UnreadableRecord | PurgedRecord;

export interface TrailLeaves {
  /** The first `prefix` records, in tree order, are in place. */
  readonly prefix: number;
  /** Their entry hashes, 32 bytes each (a SharedArrayBuffer, for the worker). */
  readonly entryHashes: Buffer;
  readonly ordered: readonly Leaf[];
  /** The root at each size a head, a witnessed head or a proof names, once computed; sizes past `prefix` are missing. */
  readonly roots: Promise<ReadonlyMap<number, Uint8Array>>;
  readonly breaks: readonly TrailBreak[];
}

export function layLeaves(view: TrailView, crypto: VerifyCrypto): TrailLeaves {
  const { trail, unreadable, purged } = view;
  const breaks: TrailBreak[] = [];
  const readable = trail.entries.map((e) => e.entry);
  const ordered = (
    unreadable.length === 0 && purged.length === 0 ? readable : [...readable, ...unreadable, ...purged]
  ).sort(byTreeIndex);
  const entryHashes = Buffer.from(new SharedArrayBuffer(ordered.length * 32));
  let prefix = 0;
  for (const entry of ordered) {
    if (entry.treeIndex !== prefix) {
      breaks.push({
        kind: 'tree',
        treeIndex: prefix,
        problem:
          entry.treeIndex < prefix ? 'two records claim this place in the tree' : 'record missing from the export',
      });
      break;
    }
    const bytes = entry.hash === null ? null : hexBytes(entry.hash);
    if (bytes === null && !('record' in entry)) {
      breaks.push({ kind: 'tree', treeIndex: prefix, problem: 'the place of an unreadable record cannot be checked' });
      break;
    }
    if (bytes !== null) bytes.copy(entryHashes, prefix * 32);
    prefix += 1;
  }
  const wanted = new Set<number>();
  for (const head of view.heads) if (head.treeSize <= prefix) wanted.add(head.treeSize);
  for (const witnessed of view.trustedHeads) if (witnessed.treeSize <= prefix) wanted.add(witnessed.treeSize);
  for (const proof of view.proofs) if (proof.toSize <= prefix) wanted.add(proof.fromSize).add(proof.toSize);
  const sizes = [...wanted];
  const roots = (crypto.treeRoots ?? treeRootsHere(crypto.sha256))(entryHashes, prefix, sizes).then(
    (computed) => new Map(sizes.map((size, i) => [size, computed[i] as Uint8Array])),
  );
  return { prefix, entryHashes, ordered, roots, breaks };
}

/** The hash a record claims: from the shared buffer where it was laid, else decoded from the record. */
export function claimedHash(leaves: TrailLeaves | null, entry: StoredEntry): Buffer | null {
  return leaves !== null && entry.treeIndex < leaves.prefix
    ? leaves.entryHashes.subarray(entry.treeIndex * 32, entry.treeIndex * 32 + 32)
    : hexBytes(entry.hash);
}
