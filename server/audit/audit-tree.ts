/**
 * The server's audit Merkle tree, kept in memory (merkle-log.ts) over the leaves in the
 * database. Every instance of a deployment keeps its own copy and catches up from the stored
 * leaves (audit-tree-store.ts) under the tree lock before it appends, so all instances agree on
 * every head.
 */
import { createHash } from 'node:crypto';
import { fromHex, hex, treeHeadSigningBytes } from '../../shared/audit/audit-chain';
import type { SignedTreeHead } from '../../shared/audit/audit-entry';
import { merkleTree, type Hash } from '../../shared/audit/merkle-tree';
import type { Queryable } from '../db/database';
import { createMerkleLog, type MerkleLog } from '../../shared/audit/merkle-log';
import type { AuditSigningKey } from './audit-signing-key';
import { leavesFrom } from './audit-tree-store';

export const sha256 = (...parts: readonly Uint8Array[]): Hash => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

const tree = merkleTree(sha256);

/** The RFC 6962 leaf hash of an entry: SHA-256(0x00 || its 32-byte chain hash). */
export function leafHashOfEntry(entryHashHex: string): Hash {
  const bytes = fromHex(entryHashHex);
  if (bytes === null || bytes.length !== 32) throw new RangeError('entry hash must be 32 bytes of hex');
  return tree.leafHash(bytes);
}

export interface AuditTree {
  readonly log: MerkleLog;
  /** Reads leaves the database has and this copy does not (another instance appended them). */
  catchUp(db: Queryable): Promise<void>;
  /** Signs the head over the first `size` leaves. */
  signHead(size: number, at: number): SignedTreeHead;
}

const CATCH_UP_PAGE = 50_000;

export function createAuditTree(key: AuditSigningKey): AuditTree {
  const log = createMerkleLog(sha256);
  return {
    log,
    async catchUp(db) {
      for (;;) {
        const rows = await leavesFrom(db, log.size, CATCH_UP_PAGE);
        if (rows.length === 0) return;
        const leaves: Hash[] = [];
        for (const row of rows) {
          const leaf = fromHex(row.leafHash);
          if (row.treeIndex !== log.size + leaves.length || leaf === null || leaf.length !== 32)
            throw new Error('audit leaves are not contiguous');
          leaves.push(leaf);
        }
        log.append(leaves);
        if (rows.length < CATCH_UP_PAGE) return;
      }
    },
    signHead(size, at) {
      const rootHash = log.root(size);
      return {
        treeSize: size,
        timestamp: at,
        rootHash: hex(rootHash),
        signature: key.sign(treeHeadSigningBytes({ treeSize: size, timestamp: at, rootHash })),
      };
    },
  };
}
