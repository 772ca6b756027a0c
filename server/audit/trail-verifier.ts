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
import { batchSigningBytes, checkEntries, entryHash, fromHex, GENESIS_HASH, hex, treeHeadSigningBytes, type Blake2b256 } from '../../shared/audit/audit-chain';
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
}

/** Stops collecting after this many: one break is enough to fail, a flood helps nobody. */
const MAX_BREAKS = 100;

export function verifyTrail(trail: TrailExport, crypto: VerifyCrypto, options: { sinceHead?: TrustedHead } = {}): VerifyReport {
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

  for (const [workstationId, list] of byWorkstation) {
    list.sort((a, b) => a.record.seq - b.record.seq);
    if (!selection) {
      const broken = checkEntries(crypto.blake2b, list, workstationId, { seq: 1, previousHash: hex(GENESIS_HASH) });
      if (broken !== null) {
        const at = list.find((e) => e.record.seq === broken.seq);
        report({ kind: 'record', workstationId, seq: broken.seq, treeIndex: at?.treeIndex ?? null, problem: broken.problem });
      }
    } else {
      // A selection holds some records only: each must still hash to what it says it is.
      for (const entry of list) {
        const previous = fromHex(entry.previousHash);
        if (previous === null || previous.length !== 32 || hex(entryHash(crypto.blake2b, previous, entry.record)) !== entry.hash) {
          report({ kind: 'record', workstationId, seq: entry.record.seq, treeIndex: entry.treeIndex, problem: 'hash-mismatch' });
        }
      }
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
  const heads = [...trail.heads].sort((a, b) => a.treeSize - b.treeSize);
  for (const head of heads) {
    const root = fromHex(head.rootHash) as Uint8Array;
    if (auditKey === null || !crypto.verifySignature(auditKey, treeHeadSigningBytes({ treeSize: head.treeSize, timestamp: head.timestamp, rootHash: root }), head.signature)) {
      report({ kind: 'head', treeSize: head.treeSize, problem: 'signature does not verify with the audit key' });
    }
  }
  const latest = heads.at(-1) ?? null;

  if (!selection) {
    // Every leaf, in tree order, and every head recomputed from them.
    const ordered = [...trail.entries].map((e) => e.entry).sort((a, b) => a.treeIndex - b.treeIndex);
    const leaves: Hash[] = [];
    for (const entry of ordered) {
      if (entry.treeIndex !== leaves.length) {
        report({ kind: 'tree', treeIndex: leaves.length, problem: entry.treeIndex < leaves.length ? 'two records claim this place in the tree' : 'record missing from the export' });
        break;
      }
      leaves.push(tree.leafHash(fromHex(entry.hash) as Uint8Array));
    }
    // One incremental tree over all leaves: any head's root is then O(log n), not a pass over the leaves.
    const log = createMerkleLog(crypto.sha256);
    log.append(leaves);
    let lastGood = 0;
    for (const head of heads) {
      if (head.treeSize > leaves.length) {
        report({ kind: 'head', treeSize: head.treeSize, problem: `covers ${String(head.treeSize)} records, the export has ${String(leaves.length)}` });
        continue;
      }
      if (!sameHash(log.root(head.treeSize), fromHex(head.rootHash) as Uint8Array)) {
        report({ kind: 'head', treeSize: head.treeSize, problem: `root does not match the records at tree index ${String(lastGood)} to ${String(head.treeSize - 1)}` });
      } else {
        lastGood = head.treeSize;
      }
    }
    if (options.sinceHead) {
      const trusted = options.sinceHead.head;
      if (trusted.treeSize > leaves.length) report({ kind: 'head', treeSize: trusted.treeSize, problem: 'the trusted head covers records this export does not have (cut tail)' });
      else if (!sameHash(log.root(trusted.treeSize), fromHex(trusted.rootHash) as Uint8Array)) {
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
