/**
 * How a signed tree head is checked, wherever one is read: the workstation's check of an audit
 * acknowledgement (main/audit/ack-check.ts), the compliance view (main/audit/compliance-search.ts),
 * the offline verifier (shared/node/audit/) and the SIEM's copy of the heads (siem-witness.ts).
 * - The key: the one the reader pinned from outside when it has one (first contact, a head file,
 *   the command line), else the one the head came with, which vouches for nothing but the head's
 *   own consistency. A head that comes with another key than the pinned one is refused: a server
 *   cannot swap its key. With neither, nothing is signed.
 * - The signature: Ed25519 by that key over treeHeadSigningBytes (label, size, time, root); a root
 *   that is not 32 bytes of lower-case hex signs nothing.
 * - The head the reader witnessed before must be a prefix of this one, so nothing it covered was
 *   dropped or rewritten: the tree may not shrink, a head of the same size must have the same
 *   root, and a larger one needs an RFC 6962 consistency proof that verifies (only an empty tree
 *   is a prefix of any tree without one).
 * Pure: the signature check and SHA-256 are passed in.
 */
import { fromHex, treeHeadSigningBytes } from './audit-chain';
import type { SignedTreeHead } from './audit-entry';
import { merkleTree, type Hash, type Sha256 } from './merkle-tree';
import { publicKey, signature } from '../protocol/binary';

export type VerifySignature = (publicKeyBase64: string, message: Uint8Array, signatureBase64: string) => boolean;

export interface HeadCrypto {
  readonly verifySignature: VerifySignature;
  /** Needed only to check a consistency proof from a witnessed head. */
  readonly sha256?: Sha256;
}

export type AuditKeyProblem = 'audit-key-changed' | 'no-audit-key';
export type HeadExtensionProblem = 'tree-shrank' | 'no-consistency-proof' | 'head-inconsistent';

export interface HeadToCheck {
  readonly head: SignedTreeHead;
  /** The key the head came with (the server's answer, an export, a SIEM message); null if none. */
  readonly presentedKey: string | null;
  /** The key the reader pinned from outside; null if it has none (first contact). */
  readonly pinnedKey: string | null;
  /** The head the reader already trusts, and the hex consistency proof from it to `head` (null: none came with it). */
  readonly witnessed?: { readonly head: SignedTreeHead; readonly proof: readonly string[] | null };
}

export interface SignedHeadVerdict {
  /** The key the signature was checked with: the pinned one, else the presented one; null if neither. */
  readonly auditKey: string | null;
  readonly key: AuditKeyProblem | null;
  /** Whether the signature verifies with `auditKey` over the head's bytes. */
  readonly signed: boolean;
  /** Why the head does not extend the witnessed head; null if it does, or none was given. */
  readonly extension: HeadExtensionProblem | null;
}

/** The key a head must verify with, and what is wrong with the one it came with. */
export function auditKeyFor(
  presentedKey: string | null,
  pinnedKey: string | null,
): { readonly auditKey: string | null; readonly problem: AuditKeyProblem | null } {
  const auditKey = pinnedKey ?? presentedKey;
  if (auditKey === null) return { auditKey, problem: 'no-audit-key' };
  if (presentedKey !== null && presentedKey !== auditKey) return { auditKey, problem: 'audit-key-changed' };
  return { auditKey, problem: null };
}

/** 32 bytes from 64 lower-case hex digits, or null. */
function hashBytes(text: string): Hash | null {
  const bytes = fromHex(text);
  return bytes?.length === 32 ? bytes : null;
}

function headSigned(head: SignedTreeHead, auditKey: string | null, verifySignature: VerifySignature): boolean {
  const rootHash = hashBytes(head.rootHash);
  if (auditKey === null || rootHash === null) return false;
  if (!publicKey.safeParse(auditKey).success || !signature.safeParse(head.signature).success) return false;
  const bytes = treeHeadSigningBytes({ treeSize: head.treeSize, timestamp: head.timestamp, rootHash });
  return verifySignature(auditKey, bytes, head.signature);
}

function extensionProblem(
  head: SignedTreeHead,
  witnessed: NonNullable<HeadToCheck['witnessed']>,
  sha256: Sha256 | undefined,
): HeadExtensionProblem | null {
  const old = witnessed.head;
  if (old.treeSize > head.treeSize) return 'tree-shrank';
  if (old.treeSize === head.treeSize) return old.rootHash === head.rootHash ? null : 'head-inconsistent';
  if (old.treeSize === 0) return null;
  if (witnessed.proof === null) return 'no-consistency-proof';
  if (sha256 === undefined) throw new Error('a consistency proof needs sha256');
  const oldRoot = hashBytes(old.rootHash);
  const newRoot = hashBytes(head.rootHash);
  const path = witnessed.proof.map(hashBytes);
  if (oldRoot === null || newRoot === null || path.some((hash) => hash === null)) return 'head-inconsistent';
  const consistent = merkleTree(sha256).verifyConsistency(
    old.treeSize,
    head.treeSize,
    path as Hash[],
    oldRoot,
    newRoot,
  );
  return consistent ? null : 'head-inconsistent';
}

/** Every part of the rule, each answered: callers decide which problem to name first. */
export function checkSignedHead(check: HeadToCheck, crypto: HeadCrypto): SignedHeadVerdict {
  const { auditKey, problem } = auditKeyFor(check.presentedKey, check.pinnedKey);
  return {
    auditKey,
    key: problem,
    signed: headSigned(check.head, auditKey, crypto.verifySignature),
    extension: check.witnessed === undefined ? null : extensionProblem(check.head, check.witnessed, crypto.sha256),
  };
}
