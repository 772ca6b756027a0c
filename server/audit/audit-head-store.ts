/**
 * What was signed over the records: each workstation's batches as its device signed them
 * (`audit_batches`, which also mark where each chain ends) and the tree heads the server signed
 * (`audit_tree_heads`). One decoder each, used by every reader (intake, search, export, SIEM).
 */
import { GENESIS_HASH, hex } from '../../shared/audit/audit-chain';
import type { SignedTreeHead } from '../../shared/audit/audit-entry';
import type { StoredBatch } from '../../shared/audit/trail-export';
import type { Queryable } from '../db/database';

type HeadRow = { tree_size: number | string; signed_at: number | string; root_hash: string; signature: string };
const HEAD_COLUMNS = 'tree_size, signed_at, root_hash, signature';

const headOf = (row: HeadRow): SignedTreeHead => ({
  treeSize: Number(row.tree_size),
  timestamp: Number(row.signed_at),
  rootHash: row.root_hash,
  signature: row.signature,
});

type BatchRow = {
  workstation_id: string;
  first_seq: number | string;
  last_seq: number | string;
  previous_hash: string;
  last_hash: string;
  signature: string;
  device_public_key: string;
};

const batchOf = (row: BatchRow): StoredBatch => ({
  workstationId: row.workstation_id,
  firstSeq: Number(row.first_seq),
  lastSeq: Number(row.last_seq),
  previousHash: row.previous_hash,
  lastHash: row.last_hash,
  signature: row.signature,
  devicePublicKey: row.device_public_key,
});

/** Every signed head, smallest tree first. */
export async function treeHeads(db: Queryable): Promise<SignedTreeHead[]> {
  const rows = await db.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM audit_tree_heads ORDER BY tree_size`);
  return rows.map(headOf);
}

export async function latestHead(tx: Queryable): Promise<SignedTreeHead | null> {
  const rows = await tx.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM audit_tree_heads ORDER BY tree_size DESC LIMIT 1`);
  const row = rows[0];
  return row === undefined ? null : headOf(row);
}

/** The heads over trees of more than `from` and at most `to` records. */
export async function headsInRange(db: Queryable, from: number, to: number): Promise<SignedTreeHead[]> {
  const rows = await db.query<HeadRow>(
    `SELECT ${HEAD_COLUMNS} FROM audit_tree_heads WHERE tree_size > $1 AND tree_size <= $2`,
    [from, to],
  );
  return rows.map(headOf);
}

/** Each append stores its head in the same transaction, so the newest head's size is the committed tree size. */
export async function committedTreeSize(db: Queryable): Promise<number> {
  const rows = await db.query<{ size: number | string | null }>('SELECT max(tree_size) AS size FROM audit_tree_heads');
  return Number(rows[0]?.size ?? 0);
}

export async function insertHead(tx: Queryable, head: SignedTreeHead): Promise<void> {
  await tx.query(`INSERT INTO audit_tree_heads (${HEAD_COLUMNS}) VALUES ($1, $2, $3, $4)`, [
    head.treeSize,
    head.timestamp,
    head.rootHash,
    head.signature,
  ]);
}

/** Every signed batch, in the order received. */
export async function auditBatches(db: Queryable): Promise<StoredBatch[]> {
  const rows = await db.query<BatchRow>(
    'SELECT workstation_id, first_seq, last_seq, previous_hash, last_hash, signature, device_public_key FROM audit_batches ORDER BY id',
  );
  return rows.map(batchOf);
}

/** A batch, placed in the tree by its last record, and when it was received. */
export interface PlacedBatch {
  readonly treeIndex: number;
  readonly receivedAt: number;
  readonly batch: StoredBatch;
}

/**
 * The batches whose last record sits at tree indexes [from, to): a batch is placed by its last
 * record, which its own append stored (an earlier part may have been stored before). A batch
 * whose last record was purged has no place, and is not here.
 */
export async function batchesEndingInRange(db: Queryable, from: number, to: number): Promise<PlacedBatch[]> {
  const rows = await db.query<BatchRow & { tree_index: number | string; received_at: number | string }>(
    `SELECT r.tree_index, b.workstation_id, b.first_seq, b.last_seq, b.previous_hash, b.last_hash, b.signature, b.device_public_key, b.received_at
     FROM audit_batches b JOIN audit_records r ON r.workstation_id = b.workstation_id AND r.seq = b.last_seq
     WHERE r.tree_index >= $1 AND r.tree_index < $2`,
    [from, to],
  );
  return rows.map((row) => ({
    treeIndex: Number(row.tree_index),
    receivedAt: Number(row.received_at),
    batch: batchOf(row),
  }));
}

export interface ChainEnd {
  readonly lastSeq: number;
  readonly lastHash: string;
}

/** Where a workstation's chain ends on the server: its last batch, or the genesis hash before any. */
export async function chainEnd(tx: Queryable, workstationId: string): Promise<ChainEnd> {
  const rows = await tx.query<{ last_seq: number | string; last_hash: string }>(
    'SELECT last_seq, last_hash FROM audit_batches WHERE workstation_id = $1 ORDER BY last_seq DESC LIMIT 1',
    [workstationId],
  );
  const row = rows[0];
  return row === undefined
    ? { lastSeq: 0, lastHash: hex(GENESIS_HASH) }
    : { lastSeq: Number(row.last_seq), lastHash: row.last_hash };
}

export async function insertBatch(tx: Queryable, batch: StoredBatch, receivedAt: number): Promise<void> {
  await tx.query(
    `INSERT INTO audit_batches (workstation_id, first_seq, last_seq, previous_hash, last_hash, signature, device_public_key, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      batch.workstationId,
      batch.firstSeq,
      batch.lastSeq,
      batch.previousHash,
      batch.lastHash,
      batch.signature,
      batch.devicePublicKey,
      receivedAt,
    ],
  );
}
