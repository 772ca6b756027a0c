/**
 * Feeds the stored audit trail to the SIEM forwarder in tree order, from a cursor kept in the
 * database (`siem_cursor`: the next tree index to forward), so a server restart or a SIEM outage
 * leaves no gap: whatever was stored but not yet handed over goes on the next start.
 *
 * The tables are read rather than the values the intake reports, so a restart, a missed wake-up
 * and another instance's appends all take the one path. Each entry is followed by the signed
 * batch that ends with it and the tree head signed over it. The cursor moves only once the
 * forwarder has written everything up to it; a crash before that sends those messages again, as
 * exact copies (every message's time comes from the database), which is at least once.
 *
 * Records past retention may be gone: their indexes are skipped (their leaves and heads remain),
 * and so is a batch whose last record is gone, since that record is what places it in the tree.
 * A stored record that no longer reads as one is skipped with a warning rather than holding the
 * whole trail back; the gap in `idx` and the tree heads show it to the SIEM.
 *
 * Logs carry an event name and an error code only.
 */
import { storedEntry, type SignedTreeHead, type StoredEntry } from '../../shared/audit/audit-entry';
import type { StoredBatch } from '../../shared/audit/trail-export';
import type { Database, Queryable } from '../db/database';
import { faultOf } from '../logging/fault';
import { formatAuditEntry, formatBatch, formatTreeHead } from '../../shared/node/syslog/rfc5424';
import type { SyslogForwarder } from './syslog-forwarder';

export interface SiemRelayDeps {
  readonly db: Database;
  readonly forwarder: SyslogForwarder;
  /** HOSTNAME of every message: this server. */
  readonly hostname: string;
  /** The server's audit key (base64), carried with every head so the SIEM can check it. */
  readonly auditKey?: string;
  readonly logger?: { warn(obj: object, msg: string): void };
  /** Tree indexes per pass (and per flush). */
  readonly pageSize?: number;
  /** How long one wait for the forwarder lasts before it is logged and waited for again. */
  readonly flushTimeoutMs?: number;
  /** After a database failure, when to try again. */
  readonly retryMs?: number;
}

export interface SiemRelay {
  /** Something was appended: forward it (and anything still behind the cursor). Never throws. */
  wake(): void;
  /** Stops forwarding, gives the forwarder a moment to write what it holds, and closes it. */
  close(): Promise<void>;
}

const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_FLUSH_TIMEOUT_MS = 1_000;
const DEFAULT_RETRY_MS = 5_000;
const CLOSE_TIMEOUT_MS = 2_000;

/** One message in the order a SIEM should see it: by tree index, then entry, batch, head. */
interface Outgoing {
  readonly index: number;
  readonly order: 0 | 1 | 2;
  readonly text: string;
}

type RecordRow = { tree_index: number | string; record: string; previous_hash: string; hash: string };
type BatchRow = {
  tree_index: number | string;
  workstation_id: string;
  first_seq: number | string;
  last_seq: number | string;
  previous_hash: string;
  last_hash: string;
  signature: string;
  device_public_key: string;
  received_at: number | string;
};
type HeadRow = { tree_size: number | string; signed_at: number | string; root_hash: string; signature: string };

function entryOf(row: RecordRow): StoredEntry | null {
  try {
    const parsed = storedEntry.safeParse({
      record: JSON.parse(row.record) as unknown,
      previousHash: row.previous_hash,
      hash: row.hash,
      treeIndex: Number(row.tree_index),
    });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The row is made on first use: a trail stored before forwarding was configured goes from its start. */
async function readCursor(db: Queryable): Promise<number> {
  await db.query('INSERT INTO siem_cursor (id, next_index) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
  const rows = await db.query<{ next_index: number | string }>('SELECT next_index FROM siem_cursor WHERE id = 1');
  return Number(rows[0]?.next_index ?? 0);
}

/** Each append stores its head in the same transaction, so the newest head's size is the committed tree size. */
async function treeSize(db: Queryable): Promise<number> {
  const rows = await db.query<{ size: number | string | null }>('SELECT max(tree_size) AS size FROM audit_tree_heads');
  return Number(rows[0]?.size ?? 0);
}

export function startSiemRelay(deps: SiemRelayDeps): SiemRelay {
  const { db, forwarder, hostname } = deps;
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;
  const flushTimeoutMs = deps.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  const retryMs = deps.retryMs ?? DEFAULT_RETRY_MS;
  const warn = (event: string, fields: object = {}) => deps.logger?.warn({ event, ...fields }, 'siem forwarding');

  let closed = false;
  /** Read through a call: the flow analysis does not see close() change it across an await. */
  const isClosed = () => closed;
  let running: Promise<void> | undefined;
  let again = false;
  let retryTimer: NodeJS.Timeout | undefined;

  /** The messages for tree indexes [from, to), in order. */
  const messagesFor = async (from: number, to: number): Promise<string[]> => {
    const outgoing: Outgoing[] = [];
    const records = await db.query<RecordRow>(
      'SELECT tree_index, record, previous_hash, hash FROM audit_records WHERE tree_index >= $1 AND tree_index < $2 ORDER BY tree_index',
      [from, to],
    );
    for (const row of records) {
      const entry = entryOf(row);
      if (entry === null) warn('siem.record-unreadable', { code: 'AUDIT_RECORD_UNREADABLE' });
      else outgoing.push({ index: entry.treeIndex, order: 0, text: formatAuditEntry(entry, { hostname }) });
    }
    // A batch is placed by its last record, which its own append stored (an earlier part may have been stored before).
    const batches = await db.query<BatchRow>(
      `SELECT r.tree_index, b.workstation_id, b.first_seq, b.last_seq, b.previous_hash, b.last_hash, b.signature, b.device_public_key, b.received_at
       FROM audit_batches b JOIN audit_records r ON r.workstation_id = b.workstation_id AND r.seq = b.last_seq
       WHERE r.tree_index >= $1 AND r.tree_index < $2`,
      [from, to],
    );
    for (const row of batches) {
      const batch: StoredBatch = {
        workstationId: row.workstation_id,
        firstSeq: Number(row.first_seq),
        lastSeq: Number(row.last_seq),
        previousHash: row.previous_hash,
        lastHash: row.last_hash,
        signature: row.signature,
        devicePublicKey: row.device_public_key,
      };
      outgoing.push({
        index: Number(row.tree_index),
        order: 1,
        text: formatBatch(batch, { hostname, at: Number(row.received_at) }),
      });
    }
    const heads = await db.query<HeadRow>(
      'SELECT tree_size, signed_at, root_hash, signature FROM audit_tree_heads WHERE tree_size > $1 AND tree_size <= $2',
      [from, to],
    );
    for (const row of heads) {
      const head: SignedTreeHead = {
        treeSize: Number(row.tree_size),
        timestamp: Number(row.signed_at),
        rootHash: row.root_hash,
        signature: row.signature,
      };
      outgoing.push({
        index: head.treeSize - 1,
        order: 2,
        text: formatTreeHead(head, { hostname, at: head.timestamp, auditKey: deps.auditKey ?? null }),
      });
    }
    outgoing.sort((a, b) => a.index - b.index || a.order - b.order);
    return outgoing.map((message) => message.text);
  };

  /** Waits, however long the SIEM is away, for the forwarder to write what it was given; false if closed meanwhile. */
  const written = async (): Promise<boolean> => {
    for (let waited = false; ; waited = true) {
      try {
        await forwarder.flush({ timeoutMs: flushTimeoutMs });
        return true;
      } catch {
        if (closed) return false;
        // Once per outage, not once per wait.
        if (!waited) warn('siem.waiting', { code: 'SIEM_UNAVAILABLE' });
      }
    }
  };

  const pass = async (): Promise<void> => {
    while (!closed) {
      const cursor = await readCursor(db);
      const size = await treeSize(db);
      if (cursor >= size) return;
      const to = Math.min(size, cursor + pageSize);
      const messages = await messagesFor(cursor, to);
      // Closing may have begun while the page was read.
      if (isClosed()) return;
      if (messages.length > 0) {
        forwarder.send(messages);
        if (!(await written())) return;
      }
      // Never backwards: another instance may have moved it further meanwhile.
      await db.query('UPDATE siem_cursor SET next_index = GREATEST(next_index, $1) WHERE id = 1', [to]);
    }
  };

  const run = (): Promise<void> => {
    again = false;
    const current = pass()
      .catch((error: unknown) => {
        if (closed) return;
        warn('siem.relay-failed', { code: faultOf(error) });
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          wake();
        }, retryMs);
        retryTimer.unref();
      })
      .finally(() => {
        running = undefined;
        // Woken during the pass: what was appended meanwhile may lie past the size it read.
        if (again && !closed) running = run();
      });
    return current;
  };

  const wake = () => {
    if (closed) return;
    if (running === undefined) running = run();
    else again = true;
  };

  wake();
  return {
    wake,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      await forwarder
        .close({ timeoutMs: CLOSE_TIMEOUT_MS })
        .catch(() => warn('siem.closed-unwritten', { code: 'SIEM_UNAVAILABLE' }));
      await running;
    },
  };
}
