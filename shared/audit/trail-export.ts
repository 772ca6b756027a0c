/**
 * What an exported audit trail holds, as the server writes it and every reader checks it (the
 * offline verifier, the compliance view, the FHIR and syslog codecs): records with their proofs,
 * signed heads, workstation batches, and what stays of purged or unreadable records. Types only.
 */
import type { SignedTreeHead, StoredEntry } from './audit-entry';

/** A workstation's signed batch: its device key signed the chain from `previousHash` to `lastHash`. */
export interface StoredBatch {
  readonly workstationId: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly previousHash: string;
  readonly lastHash: string;
  readonly signature: string;
  readonly devicePublicKey: string;
}

export interface ExportedEntry {
  readonly entry: StoredEntry;
  /** Present in a selection export: the path from this record to the head of `treeSize`. */
  readonly inclusionProof: { readonly treeSize: number; readonly path: readonly string[] } | null;
}

/** RFC 6962 PROOF(fromSize, D[toSize]): the tree of `toSize` (a head in the export) extends the tree of `fromSize`. */
export interface ConsistencyProof {
  readonly fromSize: number;
  readonly toSize: number;
  /** Hex hashes, in the RFC's order. */
  readonly path: readonly string[];
}

/** A stored record that no longer reads as one (rewritten behind the server): what is still known of it. */
export interface UnreadableRecord {
  readonly treeIndex: number;
  readonly workstationId: string | null;
  readonly seq: number | null;
  /** Its stored entry hash, when that is still 64 hex digits: its place in the tree stays checkable. */
  readonly hash: string | null;
}

/** What stays of a record purged under retention: its place in the tree and in its chain, and its entry hash. */
export interface PurgedRecord {
  readonly treeIndex: number;
  readonly workstationId: string;
  readonly seq: number;
  readonly hash: string;
}

export interface TrailExport {
  readonly entries: readonly ExportedEntry[];
  readonly heads: readonly SignedTreeHead[];
  readonly batches: readonly StoredBatch[];
  /** The server's audit key (base64) as the export states it; a pinned key overrides it. */
  readonly auditKey: string | null;
  /** Proofs that the latest head extends earlier tree sizes (a selection needs one to be checked against a trusted head). */
  readonly consistency?: readonly ConsistencyProof[];
  readonly unreadable?: readonly UnreadableRecord[];
  /** Records purged under retention (a full export; a selection leaves them out). */
  readonly purged?: readonly PurgedRecord[];
}

export interface TrustedHead {
  readonly auditKey: string;
  readonly head: SignedTreeHead;
}
