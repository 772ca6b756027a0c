/**
 * What the offline verifier of an exported trail (shared/node/audit/trail-verifier.ts) is given
 * and what it answers: the hash and signature functions, the heads and key it is told to trust,
 * and its report, with each break it found named. Types only, so readers of a report (the CLI,
 * the compliance view, tests) and providers of crypto do not import the verifier.
 */
import type { Blake2b256, EntryHasher } from './audit-chain';
import type { SignedTreeHead } from './audit-entry';
import type { Sha256 } from './merkle-tree';
import type { VerifySignature } from './signed-head';
import type { TrustedHead } from './trail-export';

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

/**
 * The tree's root at each of `sizes`, over the leaves of the first `count` entry hashes in
 * `entryHashes` (32 bytes each, tree order).
 */
export type TreeRoots = (entryHashes: Uint8Array, count: number, sizes: readonly number[]) => Promise<Uint8Array[]>;

export interface VerifyCrypto {
  readonly sha256: Sha256;
  readonly blake2b: Blake2b256;
  /** A faster way to the same entry hashes, where there is one (Node: straight into libsodium's memory). */
  readonly entryHash?: EntryHasher;
  readonly verifySignature: VerifySignature;
  /** Default: computed on this thread; Node's verifier runs it on a worker while this one checks the chains (merkle-roots.ts). */
  readonly treeRoots?: TreeRoots;
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
