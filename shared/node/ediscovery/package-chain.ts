/**
 * Whether the server's signed audit chain vouches for a package: its chain part holds the record
 * the server made as it exported (an `admin.action` about the `ediscovery-package` whose id is
 * the digest, in the exporter's name), that record's entry hash is right for its content, its
 * leaf is in the tree under the head by the RFC 6962 inclusion proof, and the head is signed by
 * the audit key: the one given on the command line when there is one (pinned), else the one the
 * package names, which proves only that the package agrees with itself (the caller warns).
 *
 * Pure: SHA-256, BLAKE2b and the signature check are passed in (as for the trail verifier).
 */
import { entryHash, fromHex, hex, type Blake2b256 } from '../../audit/audit-chain';
import { merkleTree, type Sha256 } from '../../audit/merkle-tree';
import { checkSignedHead, type VerifySignature } from '../../audit/signed-head';
import type { ReadablePackageManifest } from '../../protocol/ediscovery-package-v1';

export type ChainProblem =
  /** The record's entry hash is not the hash of its content, or it is not the export of this package by its exporter. */
  | 'CHAIN_RECORD_INVALID'
  /** The record names another digest than the package's. */
  | 'CHAIN_DIGEST_MISMATCH'
  /** The inclusion proof does not put the record's leaf under the head's root. */
  | 'CHAIN_PROOF_INVALID'
  /** The head is not signed by the audit key. */
  | 'CHAIN_HEAD_INVALID'
  /** The package names another audit key than the one given on the command line. */
  | 'AUDIT_KEY_MISMATCH';

export interface ChainCrypto {
  readonly sha256: Sha256;
  readonly blake2b: Blake2b256;
  readonly verifySignature: VerifySignature;
}

export interface ChainVerdict {
  readonly problems: readonly ChainProblem[];
  /** Whether the head was checked against a key given from outside the package. */
  readonly auditKey: 'pinned' | 'from-package';
}

/** `digest`: the one recomputed from the package's contents, not the one it states. */
export function checkPackageChain(
  manifest: ReadablePackageManifest,
  digest: string,
  pinnedAuditKey: string | null,
  crypto: ChainCrypto,
): ChainVerdict {
  const { entry, inclusionProof, head } = manifest.chain;
  const problems: ChainProblem[] = [];
  const { record } = entry;

  const previous = fromHex(entry.previousHash);
  const hashed = previous === null ? null : hex(entryHash(crypto.blake2b, previous, record));
  const isExport =
    record.action === 'admin.action' &&
    record.object.kind === 'ediscovery-package' &&
    record.outcome === 'success' &&
    record.actor.userId === manifest.exportedBy;
  if (hashed !== entry.hash || !isExport) problems.push('CHAIN_RECORD_INVALID');
  if (record.object.kind === 'ediscovery-package' && record.object.id !== digest)
    problems.push('CHAIN_DIGEST_MISMATCH');

  const tree = merkleTree(crypto.sha256);
  const leaf = fromHex(entry.hash);
  const root = fromHex(head.rootHash);
  const path = inclusionProof.map(fromHex);
  const included =
    leaf !== null &&
    root !== null &&
    path.every((hash) => hash !== null) &&
    tree.verifyInclusion(tree.leafHash(leaf), entry.treeIndex, head.treeSize, path, root);
  if (!included) problems.push('CHAIN_PROOF_INVALID');

  const verdict = checkSignedHead(
    { head, presentedKey: manifest.auditKey, pinnedKey: pinnedAuditKey },
    { verifySignature: crypto.verifySignature },
  );
  if (verdict.key === 'audit-key-changed') problems.push('AUDIT_KEY_MISMATCH');
  if (!verdict.signed) problems.push('CHAIN_HEAD_INVALID');
  return { problems, auditKey: pinnedAuditKey === null ? 'from-package' : 'pinned' };
}
