/**
 * Whether the server's acknowledgement of an audit batch adds up, decided before the
 * workstation deletes anything: the server's audit key is the one pinned at first contact, it
 * signed the tree head, the last record sent is in that tree (inclusion proof), and the tree
 * extends the head this workstation kept from last time (consistency proof), so the server has
 * neither dropped nor rewritten what it acknowledged before. How a head is checked is the shared
 * rule (shared/audit/signed-head.ts); the inclusion of the record sent is this check's own.
 * Pure: signature checking is passed in.
 */
import { fromHex } from '../../shared/audit/audit-chain';
import type { SignedTreeHead } from '../../shared/audit/audit-entry';
import { merkleTree, type Sha256 } from '../../shared/audit/merkle-tree';
import { checkSignedHead, type VerifySignature } from '../../shared/audit/signed-head';
import type { RouteResponse } from '../../shared/protocol/api';
import { err, ok, type Result } from '../../shared/result';

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

/** The head to keep for next time, or why the acknowledgement does not add up. */
export type AckCheck = Result<WitnessedHead, AckProblem>;

export function checkAck(options: {
  readonly ack: Ack;
  readonly sent: { readonly seq: number; readonly hash: string };
  readonly known: WitnessedHead | null;
  readonly sha256: Sha256;
  readonly verifySignature: VerifySignature;
}): AckCheck {
  const { ack, sent, known } = options;
  if (ack.ackedSeq !== sent.seq) return err('ack-mismatch');
  const head = ack.head;
  const verdict = checkSignedHead(
    {
      head,
      presentedKey: ack.auditKey,
      pinnedKey: known?.auditKey ?? null,
      ...(known === null ? {} : { witnessed: { head: known.head, proof: ack.consistency } }),
    },
    options,
  );
  if (verdict.key !== null) return err('audit-key-changed');
  if (!verdict.signed) return err('head-signature-invalid');

  // The record sent is named before the head's history: the problems keep their precedence.
  const tree = merkleTree(options.sha256);
  const leaf = tree.leafHash(fromHex(sent.hash) as Uint8Array);
  const inclusion = ack.inclusion.map((h) => fromHex(h) as Uint8Array);
  const root = fromHex(head.rootHash) as Uint8Array;
  if (ack.leafIndex >= head.treeSize || !tree.verifyInclusion(leaf, ack.leafIndex, head.treeSize, inclusion, root))
    return err('not-included');

  if (verdict.extension === 'tree-shrank') return err('tree-shrank');
  if (verdict.extension !== null) return err('head-inconsistent');
  return ok({ auditKey: ack.auditKey, head });
}
