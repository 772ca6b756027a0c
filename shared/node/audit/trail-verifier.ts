/**
 * Verifies an exported audit trail offline, and says exactly what breaks it:
 * - each workstation's records chain from its first (hash of content and predecessor, sequence
 *   numbers without gaps);
 * - every record lies in a batch its workstation signed, and that batch's device signature
 *   verifies over the records it covers;
 * - every tree head is signed by the server's audit key and is the root over the records'
 *   leaves, and the latest covers every record (a full export), or each record comes with a
 *   proof that it is in a signed head (a selection);
 * - a record purged under retention leaves its place, sequence number and hash: the chain and the
 *   tree check across it, and it must be explained by a purge recorded in the server's chain
 *   whose bound (six years before the purge at least) a signed head shows it was received before;
 * - a head the reader already trusts (`sinceHead`: from a workstation, the SIEM or an earlier
 *   export) is a prefix of this trail, so nothing it covered was cut or rewritten: recomputed
 *   from the leaves of a full export, or by the RFC 6962 consistency proof a selection carries.
 * The audit key is the pinned one (`auditKey`, or the trusted head's) when given; otherwise the
 * export's own, which the report says, since a key read from the export vouches for nothing.
 * Pure: the hash and signature functions are passed in.
 */
import {
  batchSigningBytes,
  entryHash,
  fromHex,
  GENESIS_HASH,
  hex,
  treeHeadSigningBytes,
  type Blake2b256,
  type EntryHasher,
} from '../../audit/audit-chain';
import type { SignedTreeHead, StoredEntry } from '../../audit/audit-entry';
import { merkleTree, sameHash, type Hash, type MerkleTree, type Sha256 } from '../../audit/merkle-tree';
import type {
  ConsistencyProof,
  PurgedRecord,
  TrailExport,
  TrustedHead,
  UnreadableRecord,
} from '../../audit/trail-export';
import { SIX_YEARS_MS } from '../../audit/retention-window';
import { createMerkleLog } from '../../audit/merkle-log';
import { checkAttestation, serverChainsOf } from './verify-attestation';

export interface VerifyOptions {
  /** A head the reader already trusts; it pins the audit key too. */
  readonly sinceHead?: TrustedHead;
  /**
   * More heads a witness kept (the SIEM's copy: every head the server signed), already checked
   * against the audit key. A full export must agree with every one of them: a rewrite that the
   * newest alone would not show (history changed, then re-signed) shows against an older one.
   */
  readonly witnessHeads?: readonly SignedTreeHead[];
  /** The server's audit key (base64), pinned from outside the export. */
  readonly auditKey?: string;
}

export type TrailBreak =
  | {
      readonly kind: 'record';
      readonly workstationId: string;
      readonly seq: number;
      readonly treeIndex: number | null;
      readonly problem: string;
    }
  | {
      readonly kind: 'unreadable';
      readonly workstationId: string | null;
      readonly seq: number | null;
      readonly treeIndex: number;
      readonly problem: string;
    }
  | {
      readonly kind: 'batch';
      readonly workstationId: string;
      readonly firstSeq: number;
      readonly lastSeq: number;
      readonly problem: string;
    }
  | { readonly kind: 'head'; readonly treeSize: number; readonly problem: string }
  | { readonly kind: 'tree'; readonly treeIndex: number; readonly problem: string };

export interface VerifyReport {
  readonly ok: boolean;
  readonly records: number;
  /** Records purged under retention, of which the export holds only their place and hash. */
  readonly purged: number;
  readonly workstations: number;
  readonly batches: number;
  readonly heads: number;
  readonly latestHead: SignedTreeHead | null;
  /** Whether the heads were checked against a pinned key, or only against the one the export states. */
  readonly auditKey: 'pinned' | 'from-export' | 'none';
  /** The trusted head's size once this trail is proven to extend it; null if none was given or it is not proven. */
  readonly consistentWith: number | null;
  /**
   * How many records in a person's name were checked against that person's sessions
   * (verify-attestation.ts); null for a selection, which carries no sessions to check against.
   */
  readonly attestedRecords: number | null;
  readonly breaks: readonly TrailBreak[];
}

export interface VerifyCrypto {
  readonly sha256: Sha256;
  readonly blake2b: Blake2b256;
  /** A faster way to the same entry hashes, where there is one (Node: straight into libsodium's memory). */
  readonly entryHash?: EntryHasher;
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
const byTreeIndex = (a: { readonly treeIndex: number }, b: { readonly treeIndex: number }) => a.treeIndex - b.treeIndex;

/** The entry with this sequence number in a list sorted by it: by offset when the run has no gaps (the usual case), else by halving. */
function entryAt(list: readonly StoredEntry[], seq: number): StoredEntry | undefined {
  const direct = list[seq - (list[0]?.record.seq ?? 0)];
  if (direct?.record.seq === seq) return direct;
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = (list[middle] as StoredEntry).record.seq;
    if (at === seq) return list[middle];
    if (at < seq) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

type Range = { readonly firstSeq: number; readonly lastSeq: number };
const byFirstSeq = (a: Range, b: Range) => a.firstSeq - b.firstSeq;

export async function verifyTrail(
  trail: TrailExport,
  crypto: VerifyCrypto,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const breaks: TrailBreak[] = [];
  const report = (b: TrailBreak) => {
    if (breaks.length < MAX_BREAKS) breaks.push(b);
  };
  const tree = merkleTree(crypto.sha256);
  const heads = [...trail.heads].sort((a, b) => a.treeSize - b.treeSize);
  const latest = heads.at(-1) ?? null;
  const trusted = options.sinceHead;
  const trustedHeads = [...(options.witnessHeads ?? []), ...(trusted ? [trusted.head] : [])];
  const unreadable = trail.unreadable ?? [];
  const purged = trail.purged ?? [];
  const proofs = trail.consistency ?? [];

  // The key the heads must verify with: pinned from outside when it can be, else the export's own.
  const pinned = options.auditKey ?? trusted?.auditKey ?? null;
  const auditKey = pinned ?? trail.auditKey;
  const keyHeadSize = trusted?.head.treeSize ?? latest?.treeSize ?? 0;
  if (options.auditKey !== undefined && trusted !== undefined && trusted.auditKey !== options.auditKey) {
    report({
      kind: 'head',
      treeSize: trusted.head.treeSize,
      problem: 'the trusted head names another audit key than the pinned one',
    });
  }
  if (pinned !== null && trail.auditKey !== null && trail.auditKey !== pinned) {
    report({ kind: 'head', treeSize: keyHeadSize, problem: 'the export names another audit key than the pinned one' });
  }
  if (heads.length === 0) report({ kind: 'head', treeSize: 0, problem: 'the export has no signed tree head' });

  for (const lost of unreadable) {
    report({
      kind: 'unreadable',
      workstationId: lost.workstationId,
      seq: lost.seq,
      treeIndex: lost.treeIndex,
      problem: 'the stored record no longer reads as an audit record',
    });
  }

  // Records by workstation, in sequence order.
  const byWorkstation = new Map<string, StoredEntry[]>();
  for (const { entry } of trail.entries) {
    const list = byWorkstation.get(entry.record.workstationId) ?? [];
    list.push(entry);
    byWorkstation.set(entry.record.workstationId, list);
  }
  const selection = trail.entries.some((e) => e.inclusionProof !== null);

  // A full export: every record in tree order, each hash decoded once into one shared buffer, and
  // the heads' roots started over it (on a worker where there is one) before the chains are walked.
  // An unreadable record keeps its place by its stored hash, so the rest of the tree still checks.
  let prefix = 0;
  let entryHashes: Buffer = Buffer.alloc(0);
  let roots: Promise<Uint8Array[]> | null = null;
  let ordered: readonly (StoredEntry | UnreadableRecord | PurgedRecord)[] = [];
  const rootSizes: number[] = [];
  if (!selection) {
    const readable = trail.entries.map((e) => e.entry);
    ordered = (
      unreadable.length === 0 && purged.length === 0 ? readable : [...readable, ...unreadable, ...purged]
    ).sort(byTreeIndex);
    entryHashes = Buffer.from(new SharedArrayBuffer(ordered.length * 32));
    for (const entry of ordered) {
      if (entry.treeIndex !== prefix) {
        report({
          kind: 'tree',
          treeIndex: prefix,
          problem:
            entry.treeIndex < prefix ? 'two records claim this place in the tree' : 'record missing from the export',
        });
        break;
      }
      const bytes = entry.hash === null ? null : hexBytes(entry.hash);
      if (bytes === null && !('record' in entry)) {
        report({ kind: 'tree', treeIndex: prefix, problem: 'the place of an unreadable record cannot be checked' });
        break;
      }
      if (bytes !== null) bytes.copy(entryHashes, prefix * 32);
      prefix += 1;
    }
    const wanted = new Set<number>();
    for (const head of heads) if (head.treeSize <= prefix) wanted.add(head.treeSize);
    for (const witnessed of trustedHeads) if (witnessed.treeSize <= prefix) wanted.add(witnessed.treeSize);
    for (const proof of proofs) if (proof.toSize <= prefix) wanted.add(proof.fromSize).add(proof.toSize);
    rootSizes.push(...wanted);
    roots = (crypto.treeRoots ?? treeRootsHere(crypto.sha256))(entryHashes, prefix, rootSizes);
  }
  const claimedOf = (entry: StoredEntry): Buffer | null =>
    !selection && entry.treeIndex < prefix
      ? entryHashes.subarray(entry.treeIndex * 32, entry.treeIndex * 32 + 32)
      : hexBytes(entry.hash);
  // An unreadable record is named already: its place in its chain is not a gap as well.
  const lostAt = new Set(unreadable.map((lost) => `${lost.workstationId ?? ''}/${String(lost.seq)}`));
  // A purged record carries its chain on by its hash (a selection has no chains to carry).
  const purgedAt = new Map<string, PurgedRecord>(
    selection ? [] : purged.map((stub) => [`${stub.workstationId}/${String(stub.seq)}`, stub]),
  );

  const hashEntry: EntryHasher =
    crypto.entryHash ?? ((previous, record) => entryHash(crypto.blake2b, previous, record, utf8));
  // Each record's hash recomputed once, as bytes (hex strings and per-call hash objects cost more
  // than the hashing): compared with what the record claims, and chained to its predecessor.
  for (const [workstationId, list] of byWorkstation) {
    list.sort(bySeq);
    let expectedSeq = selection ? (list[0]?.record.seq ?? 1) : 1;
    let previousHex = selection ? null : GENESIS_HEX;
    let previousBytes: Uint8Array | null = selection ? null : GENESIS_HASH;
    for (const entry of list) {
      const { record } = entry;
      for (
        let stub = purgedAt.get(`${workstationId}/${String(expectedSeq)}`);
        stub !== undefined && record.seq > expectedSeq;
        stub = purgedAt.get(`${workstationId}/${String(expectedSeq)}`)
      ) {
        previousHex = stub.hash;
        previousBytes = hexBytes(stub.hash);
        expectedSeq += 1;
      }
      if (!selection && record.seq !== expectedSeq) {
        if (!lostAt.has(`${workstationId}/${String(expectedSeq)}`))
          report({ kind: 'record', workstationId, seq: expectedSeq, treeIndex: null, problem: 'sequence-gap' });
        break;
      }
      if (!selection && entry.previousHash !== previousHex) {
        report({ kind: 'record', workstationId, seq: record.seq, treeIndex: entry.treeIndex, problem: 'chain-broken' });
        break;
      }
      const previous = !selection && previousBytes !== null ? previousBytes : hexBytes(entry.previousHash);
      const computed = previous === null ? null : hashEntry(previous, record);
      const claimed = claimedOf(entry);
      if (computed === null || claimed === null || !claimed.equals(computed)) {
        report({
          kind: 'record',
          workstationId,
          seq: record.seq,
          treeIndex: entry.treeIndex,
          problem: 'hash-mismatch',
        });
        if (!selection) break;
        continue;
      }
      previousHex = entry.hash;
      previousBytes = claimed;
      expectedSeq = record.seq + 1;
    }
  }

  // Device signatures over batches, against the records they cover. A batch that holds is a
  // range its records are covered by.
  const keys = new Map<string, string>();
  const signedRanges = new Map<string, Range[]>();
  for (const batch of trail.batches) {
    const known = keys.get(batch.workstationId);
    if (known !== undefined && known !== batch.devicePublicKey) {
      report({
        kind: 'batch',
        workstationId: batch.workstationId,
        firstSeq: batch.firstSeq,
        lastSeq: batch.lastSeq,
        problem: 'device key changed within one chain',
      });
    }
    keys.set(batch.workstationId, batch.devicePublicKey);
    const previous = fromHex(batch.previousHash);
    const last = fromHex(batch.lastHash);
    const signed =
      previous !== null && last !== null && previous.length === 32 && last.length === 32
        ? batchSigningBytes({
            deviceId: batch.workstationId,
            firstSeq: batch.firstSeq,
            lastSeq: batch.lastSeq,
            previousHash: previous,
            lastHash: last,
          })
        : null;
    if (signed === null || !crypto.verifySignature(batch.devicePublicKey, signed, batch.signature)) {
      report({
        kind: 'batch',
        workstationId: batch.workstationId,
        firstSeq: batch.firstSeq,
        lastSeq: batch.lastSeq,
        problem: 'device signature does not verify',
      });
      continue;
    }
    // An end a selection does not hold, or an unreadable record named already, cannot be compared.
    const list = byWorkstation.get(batch.workstationId) ?? [];
    const first = entryAt(list, batch.firstSeq);
    const lastEntry = entryAt(list, batch.lastSeq);
    const excused = (seq: number) => selection || lostAt.has(`${batch.workstationId}/${String(seq)}`);
    // A purged first record's predecessor is gone with it; a purged last record still has its hash.
    const purgedFirst = purgedAt.has(`${batch.workstationId}/${String(batch.firstSeq)}`);
    const purgedLast = purgedAt.get(`${batch.workstationId}/${String(batch.lastSeq)}`);
    const firstDiffers =
      first === undefined ? !(purgedFirst || excused(batch.firstSeq)) : first.previousHash !== batch.previousHash;
    const lastDiffers =
      lastEntry === undefined
        ? purgedLast === undefined
          ? !excused(batch.lastSeq)
          : purgedLast.hash !== batch.lastHash
        : lastEntry.hash !== batch.lastHash;
    if (firstDiffers || lastDiffers) {
      report({
        kind: 'batch',
        workstationId: batch.workstationId,
        firstSeq: batch.firstSeq,
        lastSeq: batch.lastSeq,
        problem: 'records differ from what the device signed',
      });
      continue;
    }
    const ranges = signedRanges.get(batch.workstationId) ?? [];
    ranges.push(batch);
    signedRanges.set(batch.workstationId, ranges);
  }
  // Every record in a range that held: one sweep per workstation over its records and its sorted ranges.
  for (const [workstationId, list] of byWorkstation) {
    const ranges = (signedRanges.get(workstationId) ?? []).sort(byFirstSeq);
    let r = 0;
    for (const entry of list) {
      const seq = entry.record.seq;
      while (r < ranges.length && (ranges[r] as Range).lastSeq < seq) r += 1;
      if (r < ranges.length && (ranges[r] as Range).firstSeq <= seq) continue;
      report({
        kind: 'record',
        workstationId,
        seq,
        treeIndex: entry.treeIndex,
        problem: 'not covered by a device-signed batch',
      });
    }
  }

  // Tree heads: signed by the audit key.
  for (const head of heads) {
    const root = fromHex(head.rootHash) as Uint8Array;
    if (
      auditKey === null ||
      !crypto.verifySignature(
        auditKey,
        treeHeadSigningBytes({ treeSize: head.treeSize, timestamp: head.timestamp, rootHash: root }),
        head.signature,
      )
    ) {
      report({ kind: 'head', treeSize: head.treeSize, problem: 'signature does not verify with the audit key' });
    }
  }

  if (!selection) checkPurges(trail, heads, purged, auditKey, report);
  const attestedRecords = selection ? null : checkAttestation(trail, heads, auditKey, report);

  let consistentWith: number | null = null;
  if (!selection) {
    // Every head recomputed from the leaves: a later head is then proven to extend every earlier one.
    const computed = await (roots as Promise<Uint8Array[]>);
    const rootOf = new Map(rootSizes.map((size, i) => [size, computed[i] as Uint8Array]));
    let lastGood = 0;
    for (const head of heads) {
      const root = rootOf.get(head.treeSize);
      if (root === undefined) {
        report({
          kind: 'head',
          treeSize: head.treeSize,
          problem: `covers ${String(head.treeSize)} records, the export has ${String(prefix)}`,
        });
        continue;
      }
      if (!sameHash(root, fromHex(head.rootHash) as Uint8Array)) {
        report({
          kind: 'head',
          treeSize: head.treeSize,
          problem: `root does not match the records at tree index ${String(lastGood)} to ${String(head.treeSize - 1)}`,
        });
      } else {
        lastGood = head.treeSize;
      }
    }
    // Records past the latest head are vouched for by no signature of the server's: a forged tail.
    if (latest !== null) {
      for (let i = ordered.length - 1; i >= 0; i--) {
        const entry = ordered[i] as StoredEntry | UnreadableRecord;
        if (entry.treeIndex < latest.treeSize) break;
        if ('record' in entry)
          report({
            kind: 'record',
            workstationId: entry.record.workstationId,
            seq: entry.record.seq,
            treeIndex: entry.treeIndex,
            problem: 'not covered by any signed tree head',
          });
      }
    }
    // Every head a witness kept, not only the newest: each must be a prefix of this trail.
    let allProven = trustedHeads.length > 0;
    for (const witnessed of trustedHeads) {
      const root = rootOf.get(witnessed.treeSize);
      const given = fromHex(witnessed.rootHash);
      if (root === undefined)
        report({
          kind: 'head',
          treeSize: witnessed.treeSize,
          problem: 'the trusted head covers records this export does not have (cut tail)',
        });
      else if (given === null || !sameHash(root, given)) {
        report({
          kind: 'head',
          treeSize: witnessed.treeSize,
          problem: 'the trusted head is not consistent with this export (history rewritten)',
        });
      } else continue;
      allProven = false;
    }
    if (allProven) consistentWith = Math.max(...trustedHeads.map((head) => head.treeSize));
    // Proofs are redundant beside the leaves, but what an export carries is checked all the same.
    for (const proof of proofs) {
      const from = rootOf.get(proof.fromSize);
      const to = rootOf.get(proof.toSize);
      if (from === undefined || to === undefined || !verifyProof(tree, proof, from, to)) {
        report({
          kind: 'head',
          treeSize: proof.fromSize,
          problem: `the consistency proof to tree size ${String(proof.toSize)} does not verify`,
        });
      }
    }
  } else {
    const bySize = new Map(heads.map((h) => [h.treeSize, h]));
    for (const { entry, inclusionProof } of trail.entries) {
      const head = inclusionProof === null ? undefined : bySize.get(inclusionProof.treeSize);
      const proof = inclusionProof?.path.map((h) => fromHex(h) as Uint8Array) ?? [];
      if (
        head === undefined ||
        !tree.verifyInclusion(
          tree.leafHash(fromHex(entry.hash) as Uint8Array),
          entry.treeIndex,
          head.treeSize,
          proof,
          fromHex(head.rootHash) as Uint8Array,
        )
      ) {
        report({
          kind: 'record',
          workstationId: entry.record.workstationId,
          seq: entry.record.seq,
          treeIndex: entry.treeIndex,
          problem: 'not proven to be in a signed tree head',
        });
      }
    }
    // A selection carries proofs from one size only: the newest trusted head is checked.
    const newest = trustedHeads.reduce<SignedTreeHead | null>(
      (best, head) => (best === null || head.treeSize > best.treeSize ? head : best),
      null,
    );
    if (newest) consistentWith = selectionConsistency(tree, newest, latest, proofs, report);
  }

  return {
    ok: breaks.length === 0,
    records: trail.entries.length + unreadable.length,
    purged: purged.length,
    workstations: byWorkstation.size,
    batches: trail.batches.length,
    heads: heads.length,
    latestHead: latest,
    auditKey: pinned !== null ? 'pinned' : auditKey !== null ? 'from-export' : 'none',
    consistentWith,
    attestedRecords,
    breaks,
  };
}

/** The smallest head (heads sorted by size) that covers tree index `index`, by halving. */
export function firstHeadCovering(heads: readonly SignedTreeHead[], index: number): SignedTreeHead | undefined {
  let low = 0;
  let high = heads.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((heads[middle] as SignedTreeHead).treeSize > index) high = middle;
    else low = middle + 1;
  }
  return heads[low];
}

/**
 * Every purged record must be explained by a recorded purge: the server's chain (verified with the
 * rest) holds each successful purge with its bound, which counts as no later than six years before
 * the purge, and the first signed head that covers the record must predate that bound, so its
 * receipt did. Retention is then proven from signatures alone, not from a stored column. Only the
 * server's own chain can record a purge: the one whose batches the audit key signs (a
 * workstation could write a record that looks like one into its own chain).
 */
function checkPurges(
  trail: TrailExport,
  heads: readonly SignedTreeHead[],
  purged: readonly PurgedRecord[],
  auditKey: string | null,
  report: (b: TrailBreak) => void,
): void {
  if (purged.length === 0) return;
  const serverChains = serverChainsOf(trail, auditKey);
  let bound: number | null = null;
  for (const { entry } of trail.entries) {
    const { record } = entry;
    if (
      !serverChains.has(record.workstationId) ||
      record.action !== 'admin.action' ||
      record.object.kind !== 'audit-purge' ||
      record.outcome !== 'success'
    )
      continue;
    const effective = Math.min(record.object.receivedBefore, record.at - SIX_YEARS_MS);
    if (bound === null || effective > bound) bound = effective;
  }
  for (const stub of [...purged].sort(byTreeIndex)) {
    const where = {
      kind: 'record',
      workstationId: stub.workstationId,
      seq: stub.seq,
      treeIndex: stub.treeIndex,
    } as const;
    if (bound === null) {
      report({ ...where, problem: 'purged, but the trail records no purge' });
      continue;
    }
    const covering = firstHeadCovering(heads, stub.treeIndex);
    if (covering === undefined || covering.timestamp >= bound)
      report({ ...where, problem: 'purged, but no signed head shows it was received before the purge bound' });
  }
}

function verifyProof(tree: MerkleTree, proof: ConsistencyProof, fromRoot: Uint8Array, toRoot: Uint8Array): boolean {
  const path: Uint8Array[] = [];
  for (const hash of proof.path) {
    const bytes = hexBytes(hash);
    if (bytes === null) return false;
    path.push(bytes);
  }
  return tree.verifyConsistency(proof.fromSize, proof.toSize, path, fromRoot, toRoot);
}

/**
 * A selection has no leaves to recompute: the trusted head is proven a prefix of the latest one
 * only by a consistency proof the export carries, and without one nothing is claimed. Answers the
 * trusted size once proven, else null (the break is reported).
 */
function selectionConsistency(
  tree: MerkleTree,
  trusted: SignedTreeHead,
  latest: SignedTreeHead | null,
  proofs: readonly ConsistencyProof[],
  report: (b: TrailBreak) => void,
): number | null {
  const rewritten = 'the trusted head is not consistent with this export (history rewritten)';
  if (latest === null) return null; // the missing head is reported already
  if (trusted.treeSize > latest.treeSize) {
    report({ kind: 'head', treeSize: trusted.treeSize, problem: 'the trusted head is newer than this export' });
    return null;
  }
  if (trusted.treeSize === latest.treeSize || trusted.treeSize === 0) {
    // An empty tree is a prefix of any; a head of the same size must be the same head.
    if (trusted.treeSize === 0 || trusted.rootHash === latest.rootHash) return trusted.treeSize;
    report({ kind: 'head', treeSize: trusted.treeSize, problem: rewritten });
    return null;
  }
  const proof = proofs.find((p) => p.fromSize === trusted.treeSize && p.toSize === latest.treeSize);
  if (proof === undefined) {
    report({
      kind: 'head',
      treeSize: trusted.treeSize,
      problem: `no consistency proof from tree size ${String(trusted.treeSize)}`,
    });
    return null;
  }
  if (!verifyProof(tree, proof, fromHex(trusted.rootHash) as Uint8Array, fromHex(latest.rootHash) as Uint8Array)) {
    report({ kind: 'head', treeSize: trusted.treeSize, problem: rewritten });
    return null;
  }
  return trusted.treeSize;
}
