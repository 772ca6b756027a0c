/**
 * Reading the trail back: records by user, patient, workstation, action and time (what the
 * compliance view filters on), the signed tree heads, and each workstation's signed batches.
 * Every record comes back exactly as it was hashed (its canonical text), with its chain hashes
 * and tree position, so whatever reads it can verify it. A stored row that no longer reads as a
 * record (rewritten behind the server's back) comes back as what is still known of it, its tree
 * index, workstation, sequence number and hash, so an export carries it to the verifier to name.
 */
import { z } from 'zod';
import { chainedEntry, type SignedTreeHead, type StoredEntry } from '../../shared/audit/audit-entry';
import { AUDIT_ACTIONS } from '../../shared/audit/audit-event';
import type { Queryable } from '../db/database';
import type { PurgedRecord, StoredBatch, UnreadableRecord } from '../../shared/audit/trail-export';

export const auditFilter = z.strictObject({
  userId: z.string().max(64).nullable().default(null),
  patient: z.string().max(64).nullable().default(null),
  workstationId: z.string().max(64).nullable().default(null),
  /** Records about this conversation or its messages. */
  conversationId: z.string().max(64).nullable().default(null),
  action: z.enum(AUDIT_ACTIONS).nullable().default(null),
  since: z.number().int().nonnegative().nullable().default(null),
  until: z.number().int().nonnegative().nullable().default(null),
  /** Paging: records after this tree index. */
  afterIndex: z.number().int().min(-1).default(-1),
  limit: z.number().int().min(1).max(100_000).default(500),
});
export type AuditFilter = z.input<typeof auditFilter>;

type RecordRow = {
  tree_index: number | string;
  workstation_id: string;
  seq: number | string;
  record: string;
  previous_hash: string;
  hash: string;
};
const RECORD_COLUMNS = 'tree_index, workstation_id::text AS workstation_id, seq, record, previous_hash, hash';

/** A stored row: the entry as it was hashed, or what is still known of a row that no longer reads as one. */
export type AuditRow =
  { readonly ok: true; readonly entry: StoredEntry } | { readonly ok: false; readonly unreadable: UnreadableRecord };

/** Thrown by the readers that promise entries only, for a row that no longer reads as one; names its place, never its content. */
export class UnreadableAuditRecordError extends Error {
  constructor(readonly treeIndex: number) {
    super(`the audit record at tree index ${String(treeIndex)} no longer reads as one`);
    this.name = 'UnreadableAuditRecordError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HASH = /^[0-9a-f]{64}$/;

function rowOf(row: RecordRow): AuditRow {
  const treeIndex = Number(row.tree_index);
  // The stored text was checked on the way in; a row that no longer parses was altered, and is
  // handed on as what is known of it for the verifier to name (never silently skipped).
  let record: unknown;
  try {
    record = JSON.parse(row.record);
  } catch {
    record = undefined;
  }
  const parsed =
    record === undefined ? null : chainedEntry.safeParse({ record, previousHash: row.previous_hash, hash: row.hash });
  if (parsed?.success === true) return { ok: true, entry: { ...parsed.data, treeIndex } };
  const seq = Number(row.seq);
  return {
    ok: false,
    unreadable: {
      treeIndex,
      workstationId: UUID.test(row.workstation_id) ? row.workstation_id : null,
      seq: Number.isSafeInteger(seq) && seq >= 0 ? seq : null,
      hash: HASH.test(row.hash) ? row.hash : null,
    },
  };
}

function entryOf(row: RecordRow): StoredEntry {
  const read = rowOf(row);
  if (!read.ok) throw new UnreadableAuditRecordError(read.unreadable.treeIndex);
  return read.entry;
}

/** Records by the filter, in tree order, as they are stored: unreadable rows included, for an export. */
export async function readAuditRows(db: Queryable, input: AuditFilter): Promise<AuditRow[]> {
  return (await queryRecords(db, input)).map(rowOf);
}

/** Records by the filter, in tree order; throws UnreadableAuditRecordError at a row that no longer reads. */
export async function searchAuditRecords(db: Queryable, input: AuditFilter): Promise<StoredEntry[]> {
  return (await queryRecords(db, input)).map(entryOf);
}

async function queryRecords(db: Queryable, input: AuditFilter): Promise<RecordRow[]> {
  const filter = auditFilter.parse(input);
  return db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM audit_records
     WHERE tree_index > $1
       AND ($2::text IS NULL OR actor_user_id = $2)
       AND ($3::text IS NULL OR patient = $3)
       AND ($4::text IS NULL OR workstation_id::text = $4)
       AND ($5::text IS NULL OR conversation_id::text = $5)
       AND ($6::text IS NULL OR action = $6)
       AND ($7::bigint IS NULL OR at >= $7)
       AND ($8::bigint IS NULL OR at < $8)
     ORDER BY tree_index LIMIT $9`,
    [
      filter.afterIndex,
      filter.userId,
      filter.patient,
      filter.workstationId,
      filter.conversationId,
      filter.action,
      filter.since,
      filter.until,
      filter.limit,
    ],
  );
}

/** Every record of one workstation, in sequence order (the verifier walks the chain). */
export async function workstationRecords(db: Queryable, workstationId: string): Promise<StoredEntry[]> {
  const rows = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE workstation_id = $1 ORDER BY seq`,
    [workstationId],
  );
  return rows.map(entryOf);
}

export async function treeHeads(db: Queryable): Promise<SignedTreeHead[]> {
  const rows = await db.query<{
    tree_size: number | string;
    signed_at: number | string;
    root_hash: string;
    signature: string;
  }>('SELECT tree_size, signed_at, root_hash, signature FROM audit_tree_heads ORDER BY tree_size');
  return rows.map((row) => ({
    treeSize: Number(row.tree_size),
    timestamp: Number(row.signed_at),
    rootHash: row.root_hash,
    signature: row.signature,
  }));
}

export async function auditBatches(db: Queryable): Promise<StoredBatch[]> {
  const rows = await db.query<{
    workstation_id: string;
    first_seq: number | string;
    last_seq: number | string;
    previous_hash: string;
    last_hash: string;
    signature: string;
    device_public_key: string;
  }>(
    'SELECT workstation_id, first_seq, last_seq, previous_hash, last_hash, signature, device_public_key FROM audit_batches ORDER BY id',
  );
  return rows.map((row) => ({
    workstationId: row.workstation_id,
    firstSeq: Number(row.first_seq),
    lastSeq: Number(row.last_seq),
    previousHash: row.previous_hash,
    lastHash: row.last_hash,
    signature: row.signature,
    devicePublicKey: row.device_public_key,
  }));
}

/**
 * What stays of the records purged under retention, in tree order. A stub that does not read as
 * one (altered behind the server) goes with the unreadable records, for the verifier to name.
 */
export async function purgedRecords(
  db: Queryable,
): Promise<{ purged: PurgedRecord[]; unreadable: UnreadableRecord[] }> {
  const rows = await db.query<{
    tree_index: number | string;
    workstation_id: string;
    seq: number | string;
    hash: string;
  }>('SELECT tree_index, workstation_id::text AS workstation_id, seq, hash FROM audit_purged ORDER BY tree_index');
  const purged: PurgedRecord[] = [];
  const unreadable: UnreadableRecord[] = [];
  for (const row of rows) {
    const treeIndex = Number(row.tree_index);
    const seq = Number(row.seq);
    const known = {
      workstationId: UUID.test(row.workstation_id) ? row.workstation_id : null,
      seq: Number.isSafeInteger(seq) && seq >= 0 ? seq : null,
      hash: HASH.test(row.hash) ? row.hash : null,
    };
    if (known.workstationId !== null && known.seq !== null && known.hash !== null)
      purged.push({ treeIndex, workstationId: known.workstationId, seq: known.seq, hash: known.hash });
    else unreadable.push({ treeIndex, ...known });
  }
  return { purged, unreadable };
}

/** Every leaf hash in tree order (the verifier recomputes heads from them). */
export async function leafHashes(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ leaf_hash: string }>('SELECT leaf_hash FROM audit_leaves ORDER BY tree_index');
  return rows.map((row) => row.leaf_hash);
}
