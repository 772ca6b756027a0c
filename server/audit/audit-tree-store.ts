/**
 * The tree's rows and the locks around them. `audit_leaves` holds one leaf hash per record in
 * tree order, never changed, so the tree can always be rebuilt and proven (audit-tree.ts keeps
 * the in-memory copy). Appends to the tree are serialised across instances by one advisory lock,
 * and the server chain's outboxes by another (below); both are taken here only.
 */
import type { Queryable } from '../db/database';

/** Arbitrary, fixed: the advisory lock that serialises appends to the tree across instances. */
export const AUDIT_TREE_LOCK_ID = 0x41_55_44_54;
/**
 * Held shared by every statement that writes a row of the server chain's outboxes
 * (served_events, admin_events, account_events), and exclusively by the fold while it reads
 * them. Without it, on PostgreSQL, a row whose transaction commits after a later-numbered row's
 * would fall behind the fold's cursor and never reach the chain.
 */
export const AUDIT_OUTBOX_LOCK_ID = 0x4f_55_54_42;
/** How long a fold waits for outbox writers in flight before giving up until the next one (never a deadlock). */
export const FOLD_LOCK_TIMEOUT = '500ms';

/** Holds the tree lock until the transaction `tx` ends. */
export async function lockAuditTree(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_TREE_LOCK_ID]);
}

/**
 * Waits for every outbox writer in flight, then holds the outbox lock exclusively until `tx`
 * ends, so no outbox row commits behind the fold's cursor. A bounded wait: a writer queued
 * behind this lock while holding what another writer waits for would otherwise deadlock; the
 * fold then fails with lock_timeout and the next one folds instead.
 */
export async function lockOutboxesForFold(tx: Queryable): Promise<void> {
  await tx.query(`SET LOCAL lock_timeout = '${FOLD_LOCK_TIMEOUT}'`);
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_OUTBOX_LOCK_ID]);
  await tx.query('SET LOCAL lock_timeout = 0');
}

export interface StoredLeaf {
  readonly treeIndex: number;
  readonly leafHash: string;
}

/** Up to `limit` leaves from `fromIndex` on, in tree order. */
export async function leavesFrom(db: Queryable, fromIndex: number, limit: number): Promise<StoredLeaf[]> {
  const rows = await db.query<{ tree_index: number | string; leaf_hash: string }>(
    'SELECT tree_index, leaf_hash FROM audit_leaves WHERE tree_index >= $1 ORDER BY tree_index LIMIT $2',
    [fromIndex, limit],
  );
  return rows.map((row) => ({ treeIndex: Number(row.tree_index), leafHash: row.leaf_hash }));
}

/** Leaves at consecutive indexes from `firstIndex` (hex leaf hashes). */
export async function insertLeaves(tx: Queryable, firstIndex: number, leafHashesHex: readonly string[]): Promise<void> {
  await tx.query('INSERT INTO audit_leaves (tree_index, leaf_hash) SELECT * FROM unnest($1::bigint[], $2::text[])', [
    leafHashesHex.map((_, i) => firstIndex + i),
    leafHashesHex,
  ]);
}
