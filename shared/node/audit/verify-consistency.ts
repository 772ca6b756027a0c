/**
 * The verifier's consistency check: a head the reader already trusts (`sinceHead`: from a
 * workstation, the SIEM or an earlier export) and every head a witness kept is a prefix of this
 * trail, so nothing it covered was cut or rewritten. In a full export that is recomputed from the
 * leaves, and the consistency proofs the export carries (redundant beside the leaves) are checked
 * all the same; a selection has no leaves, so the newest trusted head is proven a prefix of the
 * latest by a consistency proof the export carries (shared/audit/signed-head.ts), and without one
 * nothing is claimed. Each answers the trusted size once proven (else null) and its breaks.
 */
import { fromHex } from '../../audit/audit-chain';
import type { SignedTreeHead } from '../../audit/audit-entry';
import { checkSignedHead } from '../../audit/signed-head';
import { merkleTree, sameHash, type MerkleTree } from '../../audit/merkle-tree';
import type { ConsistencyProof } from '../../audit/trail-export';
import type { TrailBreak, VerifyCrypto } from '../../audit/trail-verification';
import { breakList, hexBytes, type TrailView } from './trail-view';

export interface Consistency {
  readonly consistentWith: number | null;
  readonly breaks: readonly TrailBreak[];
}

const REWRITTEN = 'the trusted head is not consistent with this export (history rewritten)';

/** A full export: every trusted head is the root of a prefix of the leaves, and every proof it carries verifies. */
export function fullConsistency(
  view: TrailView,
  crypto: VerifyCrypto,
  rootOf: ReadonlyMap<number, Uint8Array>,
): Consistency {
  const { breaks, report } = breakList();
  // Every head a witness kept, not only the newest: each must be a prefix of this trail.
  let allProven = view.trustedHeads.length > 0;
  for (const witnessed of view.trustedHeads) {
    const root = rootOf.get(witnessed.treeSize);
    const given = fromHex(witnessed.rootHash);
    if (root === undefined)
      report({
        kind: 'head',
        treeSize: witnessed.treeSize,
        problem: 'the trusted head covers records this export does not have (cut tail)',
      });
    else if (given === null || !sameHash(root, given)) {
      report({ kind: 'head', treeSize: witnessed.treeSize, problem: REWRITTEN });
    } else continue;
    allProven = false;
  }
  const tree = merkleTree(crypto.sha256);
  for (const proof of view.proofs) {
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
  return {
    consistentWith: allProven ? Math.max(...view.trustedHeads.map((head) => head.treeSize)) : null,
    breaks,
  };
}

/** A selection carries proofs from one size only: the newest trusted head is checked against the latest head. */
export function selectionConsistency(view: TrailView, crypto: VerifyCrypto): Consistency {
  const { breaks, report } = breakList();
  const trusted = view.trustedHeads.reduce<SignedTreeHead | null>(
    (best, head) => (best === null || head.treeSize > best.treeSize ? head : best),
    null,
  );
  const latest = view.latest;
  // Without a head to check against there is nothing to claim (a missing head is reported already).
  if (trusted === null || latest === null) return { consistentWith: null, breaks };
  const proof = view.proofs.find((p) => p.fromSize === trusted.treeSize && p.toSize === latest.treeSize);
  const { extension } = checkSignedHead(
    {
      head: latest,
      presentedKey: view.trail.auditKey,
      pinnedKey: view.pinned,
      witnessed: { head: trusted, proof: proof?.path ?? null },
    },
    crypto,
  );
  if (extension === null) return { consistentWith: trusted.treeSize, breaks };
  const problem =
    extension === 'tree-shrank'
      ? 'the trusted head is newer than this export'
      : extension === 'no-consistency-proof'
        ? `no consistency proof from tree size ${String(trusted.treeSize)}`
        : REWRITTEN;
  report({ kind: 'head', treeSize: trusted.treeSize, problem });
  return { consistentWith: null, breaks };
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
