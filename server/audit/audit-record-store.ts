/**
 * The audit records (`audit_records`) and what stays of purged ones (`audit_purged`). A record is
 * stored as the canonical text that was hashed, with its chain hashes and tree position, plus its
 * fields as columns for search. Every reader decodes rows through `auditRowOf`, one decoder: a
 * stored row that no longer reads as a record (rewritten behind the server's back) comes back as
 * what is still known of it, its tree index, workstation, sequence number and hash, so an export
 * carries it to the verifier to name and the SIEM relay can skip it, never read it as valid.
 */
import { canonicalRecord } from '../../shared/audit/audit-chain';
import { storedEntry, type ChainedEntry, type StoredEntry } from '../../shared/audit/audit-entry';
import type { AuditRecord } from '../../shared/audit/audit-event';
import type { PurgedRecord, UnreadableRecord } from '../../shared/audit/trail-export';
import { err, ok, type Result } from '../../shared/result';
import type { Queryable } from '../db/database';
import { auditFilter, type AuditFilter } from './audit-filter';

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
export type AuditRow = Result<StoredEntry, UnreadableRecord>;

/** Thrown by the readers that promise entries only, for a row that no longer reads as one; names its place, never its content. */
export class UnreadableAuditRecordError extends Error {
  constructor(readonly treeIndex: number) {
    super(`the audit record at tree index ${String(treeIndex)} no longer reads as one`);
    this.name = 'UnreadableAuditRecordError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HASH = /^[0-9a-f]{64}$/;

/** What is still known of a row's place: each field only if it still reads as one. */
function knownPlace(row: { workstation_id: string; seq: number | string; hash: string }) {
  const seq = Number(row.seq);
  return {
    workstationId: UUID.test(row.workstation_id) ? row.workstation_id : null,
    seq: Number.isSafeInteger(seq) && seq >= 0 ? seq : null,
    hash: HASH.test(row.hash) ? row.hash : null,
  };
}

/** The one decoder of a stored audit record. */
export function auditRowOf(row: RecordRow): AuditRow {
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
    record === undefined
      ? null
      : storedEntry.safeParse({ record, previousHash: row.previous_hash, hash: row.hash, treeIndex });
  if (parsed?.success === true) return ok(parsed.data);
  return err({ treeIndex, ...knownPlace(row) });
}

function entryOf(row: RecordRow): StoredEntry {
  const read = auditRowOf(row);
  if (!read.ok) throw new UnreadableAuditRecordError(read.error.treeIndex);
  return read.value;
}

/** Records by the filter, in tree order, as they are stored: unreadable rows included, for an export. */
export async function readAuditRows(db: Queryable, input: AuditFilter): Promise<AuditRow[]> {
  return (await queryRecords(db, input)).map(auditRowOf);
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

/**
 * One chain's records of `action` by `actor`, newest first, before tree index `before` (null: from
 * the newest). Rows that no longer read as records are left out: the verifier names them.
 */
export async function recentRecordsBy(
  db: Queryable,
  input: {
    readonly chainId: string;
    readonly actor: string;
    readonly action: AuditRecord['action'];
    readonly before: number | null;
    readonly limit: number;
  },
): Promise<StoredEntry[]> {
  const rows = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM audit_records
     WHERE workstation_id = $1 AND actor_user_id = $2 AND action = $3 AND ($4::bigint IS NULL OR tree_index < $4)
     ORDER BY tree_index DESC LIMIT $5`,
    [input.chainId, input.actor, input.action, input.before, input.limit],
  );
  return rows.flatMap((row) => {
    const read = auditRowOf(row);
    return read.ok ? [read.value] : [];
  });
}

/** The stored rows at tree indexes [from, to), in tree order: purged ones are not there. */
export async function auditRowsInRange(db: Queryable, from: number, to: number): Promise<AuditRow[]> {
  const rows = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE tree_index >= $1 AND tree_index < $2 ORDER BY tree_index`,
    [from, to],
  );
  return rows.map(auditRowOf);
}

/** Where a workstation's record `seq` sits in the tree, and its hash; null if not stored. */
export async function storedAt(
  tx: Queryable,
  workstationId: string,
  seq: number,
): Promise<{ treeIndex: number; hash: string } | null> {
  const rows = await tx.query<{ tree_index: number | string; hash: string }>(
    'SELECT tree_index, hash FROM audit_records WHERE workstation_id = $1 AND seq = $2',
    [workstationId, seq],
  );
  const row = rows[0];
  return row === undefined ? null : { treeIndex: Number(row.tree_index), hash: row.hash };
}

/**
 * The canonical texts of one chain's records of `action` by any of `userIds` (`by: 'actor'`) or
 * about any of the object ids (`by: 'object'`). Texts, not entries: the caller reads each as it needs.
 */
export async function chainRecordTexts(
  tx: Queryable,
  chainId: string,
  action: AuditRecord['action'],
  by: 'actor' | 'object',
  ids: readonly string[],
): Promise<string[]> {
  const rows = await tx.query<{ record: string }>(
    by === 'actor'
      ? `SELECT record FROM audit_records WHERE workstation_id = $1 AND action = $3 AND actor_user_id = ANY($2::text[])`
      : `SELECT record FROM audit_records WHERE workstation_id = $1 AND action = $3 AND object_id = ANY($2::text[])`,
    [chainId, ids, action],
  );
  return rows.map((row) => row.record);
}

/** The conversation a record is about, for the compliance view's filter: a guard record's too. */
function conversationOf(object: AuditRecord['object']): string | null {
  switch (object.kind) {
    case 'message':
    case 'identifiers':
      return object.conversationId;
    case 'conversation':
      return object.id;
    default:
      return null;
  }
}

/** The new records at consecutive tree indexes from `firstIndex`, each as its canonical text and its fields. */
export async function insertRecords(
  tx: Queryable,
  entries: readonly ChainedEntry[],
  firstIndex: number,
  receivedAt: number,
): Promise<void> {
  const column = <T>(pick: (entry: ChainedEntry) => T) => entries.map(pick);
  await tx.query(
    `INSERT INTO audit_records (tree_index, workstation_id, seq, at, actor_user_id, actor_role, action, object_kind, object_id,
       conversation_id, patient, outcome, reason, record, previous_hash, hash, received_at)
     SELECT i, w, s, a, u, r, act, ok, oid, cid, p, o, rsn, rec, ph, h, $17
     FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
       AS t(i, w, s, a, u, r, act, ok, oid, cid, p, o, rsn, rec, ph, h)`,
    [
      entries.map((_, i) => firstIndex + i),
      column((e) => e.record.workstationId),
      column((e) => e.record.seq),
      column((e) => e.record.at),
      column((e) => e.record.actor.userId),
      column((e) => e.record.actor.role),
      column((e) => e.record.action),
      column((e) => e.record.object.kind),
      column((e) => ('id' in e.record.object ? e.record.object.id : null)),
      column((e) => conversationOf(e.record.object)),
      column((e) => e.record.patient),
      column((e) => e.record.outcome),
      column((e) => e.record.reason),
      column((e) => canonicalRecord(e.record)),
      column((e) => e.previousHash),
      column((e) => e.hash),
      receivedAt,
    ],
  );
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
    const known = knownPlace(row);
    if (known.workstationId !== null && known.seq !== null && known.hash !== null)
      purged.push({ treeIndex, workstationId: known.workstationId, seq: known.seq, hash: known.hash });
    else unreadable.push({ treeIndex, ...known });
  }
  return { purged, unreadable };
}
