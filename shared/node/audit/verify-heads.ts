/**
 * The verifier's head check: every tree head is signed by the server's audit key (the rule:
 * shared/audit/signed-head.ts) and is the root over the records' leaves, and the latest covers
 * every record (a full export), or each record comes with a proof that it is in a signed head (a
 * selection). The audit key is the pinned one (`auditKey`, or the trusted head's) when given;
 * otherwise the export's own, which the report says, since a key read from the export vouches for
 * nothing.
 */
import { fromHex } from '../../audit/audit-chain';
import { auditKeyFor, checkSignedHead } from '../../audit/signed-head';
import type { StoredEntry } from '../../audit/audit-entry';
import { merkleTree, sameHash } from '../../audit/merkle-tree';
import type { UnreadableRecord } from '../../audit/trail-export';
import type { TrailBreak, VerifyCrypto, VerifyOptions } from '../../audit/trail-verification';
import type { TrailLeaves } from './trail-leaves';
import { breakList, type TrailView } from './trail-view';

/** The pinned keys agree with each other and with the export's, and there is a head to check. */
export function checkAuditKeys(view: TrailView, options: VerifyOptions): TrailBreak[] {
  const { breaks, report } = breakList();
  const { trusted, trail, latest } = view;
  if (trusted !== undefined && auditKeyFor(trusted.auditKey, options.auditKey ?? null).problem === 'audit-key-changed')
    report({
      kind: 'head',
      treeSize: trusted.head.treeSize,
      problem: 'the trusted head names another audit key than the pinned one',
    });
  if (auditKeyFor(trail.auditKey, view.pinned).problem === 'audit-key-changed') {
    const treeSize = trusted?.head.treeSize ?? latest?.treeSize ?? 0;
    report({ kind: 'head', treeSize, problem: 'the export names another audit key than the pinned one' });
  }
  if (view.heads.length === 0) report({ kind: 'head', treeSize: 0, problem: 'the export has no signed tree head' });
  return breaks;
}

export function checkHeadSignatures(view: TrailView, crypto: VerifyCrypto): TrailBreak[] {
  const { breaks, report } = breakList();
  for (const head of view.heads) {
    const verdict = checkSignedHead({ head, presentedKey: view.trail.auditKey, pinnedKey: view.pinned }, crypto);
    if (!verdict.signed)
      report({ kind: 'head', treeSize: head.treeSize, problem: 'signature does not verify with the audit key' });
  }
  return breaks;
}

/**
 * A full export: every head recomputed from the leaves (a later head is then proven to extend
 * every earlier one), and no record past the latest head.
 */
export function checkHeadRoots(
  view: TrailView,
  leaves: TrailLeaves,
  rootOf: ReadonlyMap<number, Uint8Array>,
): TrailBreak[] {
  const { breaks, report } = breakList();
  let lastGood = 0;
  for (const head of view.heads) {
    const root = rootOf.get(head.treeSize);
    if (root === undefined) {
      report({
        kind: 'head',
        treeSize: head.treeSize,
        problem: `covers ${String(head.treeSize)} records, the export has ${String(leaves.prefix)}`,
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
  const latest = view.latest;
  if (latest !== null) {
    for (let i = leaves.ordered.length - 1; i >= 0; i--) {
      const entry = leaves.ordered[i] as StoredEntry | UnreadableRecord;
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
  return breaks;
}

/** A selection: each record is proven to be in a signed head of the export. */
export function checkInclusion(view: TrailView, crypto: VerifyCrypto): TrailBreak[] {
  const { breaks, report } = breakList();
  const tree = merkleTree(crypto.sha256);
  const bySize = new Map(view.heads.map((h) => [h.treeSize, h]));
  for (const { entry, inclusionProof } of view.trail.entries) {
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
  return breaks;
}
