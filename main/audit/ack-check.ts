/**
 * Whether the server's acknowledgement of an audit batch adds up, decided before the
 * workstation deletes anything: the server's audit key is the one pinned at first contact, it
 * signed the tree head, the last record sent is in that tree (inclusion proof), and the tree
 * extends the head this workstation kept from last time (consistency proof), so the server has
 * neither dropped nor rewritten what it acknowledged before. Pure: signature checking is passed in.
 */
import { fromHex, treeHeadSigningBytes } from '../../shared/audit/audit-chain';
import type { SignedTreeHead } from '../../shared/audit/audit-entry';
import { merkleTree, sameHash, type Sha256 } from '../../shared/audit/merkle-tree';
import type { RouteResponse } from '../../shared/protocol/api';

export type Ack = RouteResponse<'auditBatch'>;

/** What the workstation keeps outside its database between syncs. */
export interface WitnessedHead {
  /** The server's audit key, pinned on first contact. */
  readonly auditKey: string;
  readonly head: SignedTreeHead;
}

export type AckProblem =
  | 'ack-mismatch'
  | 'audit-key-changed'
  | 'head-signature-invalid'
  | 'not-included'
  | 'tree-shrank'
  | 'head-inconsistent';

export type AckCheck =
  { readonly ok: true; readonly witnessed: WitnessedHead } | { readonly ok: false; readonly problem: AckProblem };

export type VerifySignature = (publicKeyBase64: string, message: Uint8Array, signatureBase64: string) => boolean;

export function checkAck(options: {
  readonly ack: Ack;
  readonly sent: { readonly seq: number; readonly hash: string };
  readonly known: WitnessedHead | null;
  readonly sha256: Sha256;
  readonly verifySignature: VerifySignature;
}): AckCheck {
  const { ack, sent, known } = options;
  if (ack.ackedSeq !== sent.seq) return { ok: false, problem: 'ack-mismatch' };
  if (known !== null && known.auditKey !== ack.auditKey) return { ok: false, problem: 'audit-key-changed' };
  const head = ack.head;
  const root = fromHex(head.rootHash) as Uint8Array;
  const signed = treeHeadSigningBytes({ treeSize: head.treeSize, timestamp: head.timestamp, rootHash: root });
  if (!options.verifySignature(ack.auditKey, signed, head.signature))
    return { ok: false, problem: 'head-signature-invalid' };

  const tree = merkleTree(options.sha256);
  const leaf = tree.leafHash(fromHex(sent.hash) as Uint8Array);
  const inclusion = ack.inclusion.map((h) => fromHex(h) as Uint8Array);
  if (ack.leafIndex >= head.treeSize || !tree.verifyInclusion(leaf, ack.leafIndex, head.treeSize, inclusion, root))
    return { ok: false, problem: 'not-included' };

  if (known !== null) {
    const oldSize = known.head.treeSize;
    const oldRoot = fromHex(known.head.rootHash) as Uint8Array;
    if (head.treeSize < oldSize) return { ok: false, problem: 'tree-shrank' };
    const consistent =
      head.treeSize === oldSize
        ? sameHash(oldRoot, root)
        : oldSize === 0 ||
          tree.verifyConsistency(
            oldSize,
            head.treeSize,
            ack.consistency.map((h) => fromHex(h) as Uint8Array),
            oldRoot,
            root,
          );
    if (!consistent) return { ok: false, problem: 'head-inconsistent' };
  }
  return { ok: true, witnessed: { auditKey: ack.auditKey, head } };
}
