/**
 * Verifies an exported audit trail offline, and says exactly what breaks it:
 * - each workstation's records chain from its first (hash of content and predecessor, sequence
 *   numbers without gaps);
 * - every batch the workstation signed covers those records and carries its device's signature;
 * - every tree head is signed by the server's audit key and is the root over the records'
 *   leaves (a full export), or each record comes with a proof that it is in a signed head
 *   (a selection);
 * - a head the reader already trusts (`sinceHead`: from a workstation, the SIEM or an earlier
 *   export) is a prefix of this trail, so nothing it covered was cut or rewritten.
 * Pure: the hash and signature functions are passed in.
 */
import { batchSigningBytes, entryHash, fromHex, GENESIS_HASH, hex, treeHeadSigningBytes, type Blake2b256 } from '../../shared/audit/audit-chain';
import type { SignedTreeHead, StoredEntry } from '../../shared/audit/audit-entry';
import { merkleTree, sameHash, type Hash, type Sha256 } from '../../shared/audit/merkle-tree';
import type { StoredBatch } from './audit-query';
import { createMerkleLog } from './merkle-log';

export interface ExportedEntry {
  readonly entry: StoredEntry;
  /** Present in a selection export: the path from this record to the head of `treeSize`. */
  readonly inclusionProof: { readonly treeSize: number; readonly path: readonly string[] } | null;
}

export interface TrailExport {
  readonly entries: readonly ExportedEntry[];
  readonly heads: readonly SignedTreeHead[];
  readonly batches: readonly StoredBatch[];
  /** The server's audit key (base64) as the export states it; `sinceHead` can pin it instead. */
  readonly auditKey: string | null;
}

export interface TrustedHead {
  readonly auditKey: string;
  readonly head: SignedTreeHead;
}

export type TrailBreak =
  | { readonly kind: 'record'; readonly workstationId: string; readonly seq: number; readonly treeIndex: number | null; readonly problem: string }
  | { readonly kind: 'batch'; readonly workstationId: string; readonly firstSeq: number; readonly lastSeq: number; readonly problem: string }
  | { readonly kind: 'head'; readonly treeSize: number; readonly problem: string }
  | { readonly kind: 'tree'; readonly treeIndex: number; readonly problem: string };

export interface VerifyReport {
  readonly ok: boolean;
  readonly records: number;
  readonly workstations: number;
  readonly batches: number;
  readonly heads: number;
  readonly latestHead: SignedTreeHead | null;
  readonly breaks: readonly TrailBreak[];
}

export interface VerifyCrypto {
  readonly sha256: Sha256;
  readonly blake2b: Blake2b256;
  readonly verifySignature: (publicKeyBase64: string, message: Uint8Array, signatureBase64: string) => boolean;
  /**
   * The tree's root at each of `sizes`, over the leaves of the first `count` entry hashes in
   * `entryHashes` (32 bytes each, tree order). Default: computed here; Node's verifier runs it on
   * a worker thread while this one checks the chains (merkle-roots.ts).
   */
  readonly treeRoots?: (entryHashes: Uint8Array, count: number, sizes: readonly number[]) => Promise<Uint8Array[]>;
}

/** The tree roots, computed on this thread. */
export function treeRootsHere(sha256: Sha256): NonNullable<VerifyCrypto['treeRoots']> {
  const tree = merkleTree(sha256);
  return (entryHashes, count, sizes) => {
    const log = createMerkleLog(sha256);
    const leaves: Hash[] = [];
    for (let i = 0; i < count; i++) leaves.push(tree.leafHash(entryHashes.subarray(i * 32, i * 32 + 32)));
    log.append(leaves);
    return Promise.resolve(sizes.map((size) => log.root(size)));
  };
}

/** Stops collecting after this many: one break is enough to fail, a flood helps nobody. */
const MAX_BREAKS = 100;
const GENESIS_HEX = hex(GENESIS_HASH);

/**
 * 32 bytes from 64 hex digits, or null. Buffer's decoder stops at the first non-hex pair, so a
 * short result means a bad string (the readers already held every hash to lower-case hex).
 */
function hexBytes(text: string): Buffer | null {
  if (text.length !== 64) return null;
  const bytes = Buffer.from(text, 'hex');
  return bytes.length === 32 ? bytes : null;
}
const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const bySeq = (a: StoredEntry, b: StoredEntry) => a.record.seq - b.record.seq;

export async function verifyTrail(trail: TrailExport, crypto: VerifyCrypto, options: { sinceHead?: TrustedHead } = {}): Promise<VerifyReport> {
  const breaks: TrailBreak[] = [];
  const report = (b: TrailBreak) => {
    if (breaks.length < MAX_BREAKS) breaks.push(b);
  };
  const tree = merkleTree(crypto.sha256);
  const auditKey = options.sinceHead?.auditKey ?? trail.auditKey;
  if (options.sinceHead && trail.auditKey !== null && trail.auditKey !== options.sinceHead.auditKey) {
    report({ kind: 'head', treeSize: options.sinceHead.head.treeSize, problem: 'the export is signed with another audit key than the trusted head' });
  }

  // Records by workstation, in sequence order.
  const byWorkstation = new Map<string, StoredEntry[]>();
  for (const { entry } of trail.entries) {
    const list = byWorkstation.get(entry.record.workstationId) ?? [];
    list.push(entry);
    byWorkstation.set(entry.record.workstationId, list);
  }
  const selection = trail.entries.some((e) => e.inclusionProof !== null);
  const heads = [...trail.heads].sort((a, b) => a.treeSize - b.treeSize);

  // A full export: every record in tree order, each hash decoded once into one shared buffer, and
  // the heads' roots started over it (on a worker where there is one) before the chains are walked.
  let prefix = 0;
  let entryHashes: Buffer = Buffer.alloc(0);
  let roots: Promise<Uint8Array[]> | null = null;
  const rootSizes: number[] = [];
  if (!selection) {
    const ordered = [...trail.entries].map((e) => e.entry).sort((a, b) => a.treeIndex - b.treeIndex);
    entryHashes = Buffer.from(new SharedArrayBuffer(ordered.length * 32));
    for (const entry of ordered) {
      if (entry.treeIndex !== prefix) {
        report({ kind: 'tree', treeIndex: prefix, problem: entry.treeIndex < prefix ? 'two records claim this place in the tree' : 'record missing from the export' });
        break;
      }
      const bytes = hexBytes(entry.hash);
      if (bytes !== null) bytes.copy(entryHashes, prefix * 32);
      prefix += 1;
    }
    for (const head of heads) if (head.treeSize <= prefix) rootSizes.push(head.treeSize);
    if (options.sinceHead && options.sinceHead.head.treeSize <= prefix) rootSizes.push(options.sinceHead.head.treeSize);
    roots = (crypto.treeRoots ?? treeRootsHere(crypto.sha256))(entryHashes, prefix, rootSizes);
  }
  const claimedOf = (entry: StoredEntry): Buffer | null =>
    !selection && entry.treeIndex < prefix ? entryHashes.subarray(entry.treeIndex * 32, entry.treeIndex * 32 + 32) : hexBytes(entry.hash);

  // Each record's hash recomputed once, as bytes (hex strings and per-call hash objects cost more
  // than the hashing): compared with what the record claims, and chained to its predecessor.
  for (const [workstationId, list] of byWorkstation) {
    list.sort(bySeq);
    let expectedSeq = selection ? (list[0]?.record.seq ?? 1) : 1;
    let previousHex = selection ? null : GENESIS_HEX;
    let previousBytes: Uint8Array | null = selection ? null : GENESIS_HASH;
    for (const entry of list) {
      const { record } = entry;
      if (!selection && record.seq !== expectedSeq) {
        report({ kind: 'record', workstationId, seq: expectedSeq, treeIndex: null, problem: 'sequence-gap' });
        break;
      }
      if (!selection && entry.previousHash !== previousHex) {
        report({ kind: 'record', workstationId, seq: record.seq, treeIndex: entry.treeIndex, problem: 'chain-broken' });
        break;
      }
      const previous = !selection && previousBytes !== null ? previousBytes : hexBytes(entry.previousHash);
      const computed = previous === null ? null : entryHash(crypto.blake2b, previous, record, utf8);
      const claimed = claimedOf(entry);
      if (computed === null || claimed === null || !claimed.equals(computed)) {
        report({ kind: 'record', workstationId, seq: record.seq, treeIndex: entry.treeIndex, problem: 'hash-mismatch' });
        if (!selection) break;
        continue;
      }
      previousHex = entry.hash;
      previousBytes = claimed;
      expectedSeq = record.seq + 1;
    }
  }

  // Device signatures over batches, against the records they cover.
  const keys = new Map<string, string>();
  for (const batch of trail.batches) {
    const known = keys.get(batch.workstationId);
    if (known !== undefined && known !== batch.devicePublicKey) {
      report({ kind: 'batch', workstationId: batch.workstationId, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, problem: 'device key changed within one chain' });
    }
    keys.set(batch.workstationId, batch.devicePublicKey);
    const previous = fromHex(batch.previousHash);
    const last = fromHex(batch.lastHash);
    const signed =
      previous !== null && last !== null && previous.length === 32 && last.length === 32
        ? batchSigningBytes({ deviceId: batch.workstationId, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, previousHash: previous, lastHash: last })
        : null;
    if (signed === null || !crypto.verifySignature(batch.devicePublicKey, signed, batch.signature)) {
      report({ kind: 'batch', workstationId: batch.workstationId, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, problem: 'device signature does not verify' });
      continue;
    }
    const list = byWorkstation.get(batch.workstationId) ?? [];
    const first = list.find((e) => e.record.seq === batch.firstSeq);
    const lastEntry = list.find((e) => e.record.seq === batch.lastSeq);
    if (selection && (first === undefined || lastEntry === undefined)) continue;
    if (first?.previousHash !== batch.previousHash || lastEntry?.hash !== batch.lastHash) {
      report({ kind: 'batch', workstationId: batch.workstationId, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, problem: 'records differ from what the device signed' });
    }
  }

  // Tree heads: signed by the audit key.
  for (const head of heads) {
    const root = fromHex(head.rootHash) as Uint8Array;
    if (auditKey === null || !crypto.verifySignature(auditKey, treeHeadSigningBytes({ treeSize: head.treeSize, timestamp: head.timestamp, rootHash: root }), head.signature)) {
      report({ kind: 'head', treeSize: head.treeSize, problem: 'signature does not verify with the audit key' });
    }
  }
  const latest = heads.at(-1) ?? null;

  if (!selection) {
    // Every head recomputed from the leaves: a later head is then proven to extend every earlier one.
    const computed = await (roots as Promise<Uint8Array[]>);
    const rootOf = new Map(rootSizes.map((size, i) => [size, computed[i] as Uint8Array]));
    let lastGood = 0;
    for (const head of heads) {
      const root = rootOf.get(head.treeSize);
      if (root === undefined) {
        report({ kind: 'head', treeSize: head.treeSize, problem: `covers ${String(head.treeSize)} records, the export has ${String(prefix)}` });
        continue;
      }
      if (!sameHash(root, fromHex(head.rootHash) as Uint8Array)) {
        report({ kind: 'head', treeSize: head.treeSize, problem: `root does not match the records at tree index ${String(lastGood)} to ${String(head.treeSize - 1)}` });
      } else {
        lastGood = head.treeSize;
      }
    }
    if (options.sinceHead) {
      const trusted = options.sinceHead.head;
      const root = rootOf.get(trusted.treeSize);
      if (root === undefined) report({ kind: 'head', treeSize: trusted.treeSize, problem: 'the trusted head covers records this export does not have (cut tail)' });
      else if (!sameHash(root, fromHex(trusted.rootHash) as Uint8Array)) {
        report({ kind: 'head', treeSize: trusted.treeSize, problem: 'the trusted head is not consistent with this export (history rewritten)' });
      }
    }
  } else {
    const bySize = new Map(heads.map((h) => [h.treeSize, h]));
    for (const { entry, inclusionProof } of trail.entries) {
      const head = inclusionProof === null ? undefined : bySize.get(inclusionProof.treeSize);
      const proof = inclusionProof?.path.map((h) => fromHex(h) as Uint8Array) ?? [];
      if (
        head === undefined ||
        !tree.verifyInclusion(tree.leafHash(fromHex(entry.hash) as Uint8Array), entry.treeIndex, head.treeSize, proof, fromHex(head.rootHash) as Uint8Array)
      ) {
        report({ kind: 'record', workstationId: entry.record.workstationId, seq: entry.record.seq, treeIndex: entry.treeIndex, problem: 'not proven to be in a signed tree head' });
      }
    }
    if (options.sinceHead && latest !== null) {
      const trusted = options.sinceHead.head;
      if (trusted.treeSize > latest.treeSize) report({ kind: 'head', treeSize: trusted.treeSize, problem: 'the trusted head is newer than this export' });
      else if (trusted.treeSize === latest.treeSize && trusted.rootHash !== latest.rootHash) {
        report({ kind: 'head', treeSize: trusted.treeSize, problem: 'the trusted head is not consistent with this export (history rewritten)' });
      }
    }
  }

  return {
    ok: breaks.length === 0,
    records: trail.entries.length,
    workstations: byWorkstation.size,
    batches: trail.batches.length,
    heads: heads.length,
    latestHead: latest,
    breaks,
  };
}
