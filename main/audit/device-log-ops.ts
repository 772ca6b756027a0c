/**
 * The device audit log's operations, run in its store worker. Appends arrive in groups (one
 * transaction, one fsync for all of them: that is what makes a durable append cheap), each
 * record is given the next sequence number and chained to the previous record's hash.
 *
 * Nothing here decides what may be recorded: main checks every record against the catalogue
 * before it is queued (shared/audit/audit-event.ts).
 */
import type { Database } from 'better-sqlite3';
import { canonicalRecord, GENESIS_HASH, hex, type EntryHasher } from '../../shared/audit/audit-chain';
import type { ChainedEntry } from '../../shared/audit/audit-entry';
import type { AuditRecord } from '../../shared/audit/audit-event';
import { sql } from '../store/statement-cache';
import { createEntryHasher } from '../../shared/audit/blake2b';
import { err, ok, type Result } from '../../shared/result';

/** Made on first use, on the store worker's thread, after it has awaited libsodium. */
let hasher: EntryHasher | null = null;
const entryHashOf: EntryHasher = (previous, record) => (hasher ??= createEntryHasher())(previous, record);

/** A record before the log places it: the log assigns the sequence number and the workstation. */
export type UnplacedRecord = Omit<AuditRecord, 'seq' | 'workstationId'>;

export interface ChainState {
  readonly deviceId: string;
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly ackedSeq: number;
  readonly ackedHash: string;
}

export type ChainProblem =
  /** A record's hash does not match its content and the previous hash. */
  | 'hash-mismatch'
  /** A record's previous hash is not the hash of the record before it. */
  | 'chain-broken'
  /** Sequence numbers skip (a deleted record) or the record's own seq differs from its place. */
  | 'sequence-gap'
  /** The records end before the chain's last sequence number (a cut tail). */
  | 'tail-missing'
  /** A record's text is not the canonical form of a valid record. */
  | 'record-unreadable';

/** The first record that breaks the chain, and how. */
export interface ChainBreak {
  readonly seq: number;
  readonly problem: ChainProblem;
}

export type ChainCheck = Result<{ readonly lastSeq: number; readonly records: number }, ChainBreak>;

/** One step of a verification: broken, done, or verified up to `seq` (ending in `hash`) so far. */
export type VerifyStep = Result<
  | { readonly done: true; readonly lastSeq: number; readonly records: number }
  | { readonly done: false; readonly seq: number; readonly hash: string; readonly records: number },
  ChainBreak
>;

interface ChainRow {
  device_id: string;
  last_seq: number;
  last_hash: Buffer;
  acked_seq: number;
  acked_hash: Buffer;
}

interface RecordRow {
  seq: number;
  record: string;
  previous_hash: Buffer;
  hash: Buffer;
}

function chainRow(db: Database): ChainRow | undefined {
  return sql(db, 'SELECT device_id, last_seq, last_hash, acked_seq, acked_hash FROM chain WHERE id = 1').get() as
    ChainRow | undefined;
}

function stateOf(row: ChainRow): ChainState {
  return {
    deviceId: row.device_id,
    lastSeq: row.last_seq,
    lastHash: hex(row.last_hash),
    ackedSeq: row.acked_seq,
    ackedHash: hex(row.acked_hash),
  };
}

function requireChain(db: Database): ChainRow {
  const row = chainRow(db);
  if (row === undefined) throw new Error('device audit log not initialised');
  return row;
}

export const deviceLogOps = {
  /** Binds a new log to this device; an existing log must belong to it. */
  'log.init': (db: Database, args: { deviceId: string }): Result<ChainState, 'AUDIT_DEVICE_MISMATCH'> => {
    const row = chainRow(db);
    if (row !== undefined) return row.device_id === args.deviceId ? ok(stateOf(row)) : err('AUDIT_DEVICE_MISMATCH');
    const genesis = Buffer.from(GENESIS_HASH);
    sql(
      db,
      'INSERT INTO chain (id, device_id, last_seq, last_hash, acked_seq, acked_hash) VALUES (1, ?, 0, ?, 0, ?)',
    ).run(args.deviceId, genesis, genesis);
    return ok(stateOf(requireChain(db)));
  },

  /** Appends in one transaction; the records are on disk when this returns. */
  'log.append': (db: Database, args: { records: readonly UnplacedRecord[] }): { seq: number; hash: string }[] =>
    db.transaction(() => {
      const chain = requireChain(db);
      let seq = chain.last_seq;
      let previous: Uint8Array = chain.last_hash;
      const insert = sql(db, 'INSERT INTO records (seq, record, previous_hash, hash) VALUES (?, ?, ?, ?)');
      const placed: { seq: number; hash: string }[] = [];
      for (const unplaced of args.records) {
        seq += 1;
        const record: AuditRecord = { ...unplaced, seq, workstationId: chain.device_id };
        const hash = entryHashOf(previous, record);
        insert.run(seq, canonicalRecord(record), Buffer.from(previous), Buffer.from(hash));
        placed.push({ seq, hash: hex(hash) });
        previous = hash;
      }
      sql(db, 'UPDATE chain SET last_seq = ?, last_hash = ? WHERE id = 1').run(seq, Buffer.from(previous));
      return placed;
    })(),

  /** The oldest unacknowledged records, in order, with the hash they chain from. */
  'log.pending': (db: Database, args: { limit: number }): { state: ChainState; entries: ChainedEntry[] } => {
    const chain = requireChain(db);
    const rows = sql(db, 'SELECT seq, record, previous_hash, hash FROM records WHERE seq > ? ORDER BY seq LIMIT ?').all(
      chain.acked_seq,
      args.limit,
    ) as RecordRow[];
    return {
      state: stateOf(chain),
      entries: rows.map((row) => ({
        record: JSON.parse(row.record) as AuditRecord,
        previousHash: hex(row.previous_hash),
        hash: hex(row.hash),
      })),
    };
  },

  /**
   * The server holds everything up to `seq`: those records are deleted and the acknowledged
   * point moves. Refused (false) unless `hash` is the hash this log has for `seq`.
   */
  'log.acknowledge': (db: Database, args: { seq: number; hash: string }): boolean =>
    db.transaction(() => {
      const chain = requireChain(db);
      if (args.seq <= chain.acked_seq || args.seq > chain.last_seq) return false;
      const row = sql(db, 'SELECT hash FROM records WHERE seq = ?').get(args.seq) as { hash: Buffer } | undefined;
      if (row === undefined || hex(row.hash) !== args.hash) return false;
      sql(db, 'DELETE FROM records WHERE seq <= ?').run(args.seq);
      sql(db, 'UPDATE chain SET acked_seq = ?, acked_hash = ? WHERE id = 1').run(args.seq, row.hash);
      return true;
    })(),

  'log.state': (db: Database, _args: Record<string, never>): ChainState => stateOf(requireChain(db)),

  'log.pendingCount': (db: Database, _args: Record<string, never>): number =>
    (sql(db, 'SELECT count(*) AS n FROM records').get() as { n: number }).n,

  /**
   * Verifies the next `limit` unacknowledged records, from `from` (the last record an earlier step
   * verified) or, first, from the acknowledged point: each must be the canonical text of a valid
   * record, in sequence, chained and hashed right. Names the first record that breaks it. Done
   * when it reaches the chain's last record. In steps so that a long backlog never holds the
   * worker (and the appends queued behind it) for long.
   */
  'log.verifyFrom': (db: Database, args: { from: { seq: number; hash: string } | null; limit: number }): VerifyStep => {
    const chain = requireChain(db);
    let expectedSeq: number;
    let previous: Uint8Array;
    if (args.from === null || args.from.seq < chain.acked_seq) {
      // The first step, or the sync acknowledged past where the last step ended: the server
      // already checked those, so go on from the hash it acknowledged.
      if (args.from === null) {
        const lowest = (sql(db, 'SELECT min(seq) AS seq FROM records').get() as { seq: number | null }).seq;
        if (lowest !== null && lowest <= chain.acked_seq)
          return err({ seq: chain.acked_seq + 1, problem: 'sequence-gap' });
      }
      expectedSeq = chain.acked_seq + 1;
      previous = chain.acked_hash;
    } else {
      expectedSeq = args.from.seq + 1;
      previous = Buffer.from(args.from.hash, 'hex');
    }
    let count = 0;
    const rows = sql(
      db,
      'SELECT seq, record, previous_hash, hash FROM records WHERE seq >= ? ORDER BY seq LIMIT ?',
    ).all(expectedSeq, args.limit) as RecordRow[];
    for (const row of rows) {
      if (row.seq !== expectedSeq) return err({ seq: expectedSeq, problem: 'sequence-gap' });
      let record: AuditRecord;
      try {
        record = JSON.parse(row.record) as AuditRecord;
        if (canonicalRecord(record) !== row.record) throw new Error('not canonical');
      } catch {
        return err({ seq: row.seq, problem: 'record-unreadable' });
      }
      if (record.seq !== row.seq || record.workstationId !== chain.device_id)
        return err({ seq: row.seq, problem: 'sequence-gap' });
      if (!Buffer.from(previous).equals(row.previous_hash)) return err({ seq: row.seq, problem: 'chain-broken' });
      const hash = entryHashOf(previous, record);
      if (!Buffer.from(hash).equals(row.hash)) return err({ seq: row.seq, problem: 'hash-mismatch' });
      previous = hash;
      expectedSeq += 1;
      count += 1;
    }
    if (rows.length === args.limit)
      return ok({ done: false, seq: expectedSeq - 1, hash: hex(previous), records: count });
    if (expectedSeq - 1 !== chain.last_seq) return err({ seq: expectedSeq, problem: 'tail-missing' });
    if (!Buffer.from(previous).equals(chain.last_hash)) return err({ seq: chain.last_seq, problem: 'chain-broken' });
    return ok({ done: true, lastSeq: chain.last_seq, records: count });
  },
} as const;

export type DeviceLogOps = typeof deviceLogOps;
