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
import { batchesEndingInRange, committedTreeSize, headsInRange } from '../audit/audit-head-store';
import { auditRowsInRange } from '../audit/audit-record-store';
import type { Database } from '../db/database';
import { faultOf } from '../logging/fault';
import { formatAuditEntry, formatBatch, formatTreeHead } from '../../shared/node/syslog/rfc5424';
import { advanceSiemCursor, readSiemCursor } from './siem-cursor-store';
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
    for (const row of await auditRowsInRange(db, from, to)) {
      if (!row.ok) warn('siem.record-unreadable', { code: 'AUDIT_RECORD_UNREADABLE' });
      else outgoing.push({ index: row.value.treeIndex, order: 0, text: formatAuditEntry(row.value, { hostname }) });
    }
    for (const { treeIndex, receivedAt, batch } of await batchesEndingInRange(db, from, to))
      outgoing.push({ index: treeIndex, order: 1, text: formatBatch(batch, { hostname, at: receivedAt }) });
    for (const head of await headsInRange(db, from, to)) {
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
      const cursor = await readSiemCursor(db);
      const size = await committedTreeSize(db);
      if (cursor >= size) return;
      const to = Math.min(size, cursor + pageSize);
      const messages = await messagesFor(cursor, to);
      // Closing may have begun while the page was read.
      if (isClosed()) return;
      if (messages.length > 0) {
        forwarder.send(messages);
        if (!(await written())) return;
      }
      await advanceSiemCursor(db, to);
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
