/**
 * Feeds the stored audit trail to the SIEM forwarder in tree order, from a cursor kept in the
 * database (`siem_cursor`: the next tree index to forward), so a server restart, a takeover by
 * another instance or a SIEM outage leaves no gap: whatever was stored but not yet delivered goes
 * next. One relay runs per forwarding term (siem-forwarding.ts): only the lease holder's.
 *
 * The tables are read rather than the values the intake reports, so a restart, a missed wake-up
 * and another instance's appends all take the one path. Each entry is followed by the signed
 * batch that ends with it and the tree head signed over it.
 *
 * Pages are sent ahead (up to `maxUndelivered` messages in flight), and the cursor moves past a
 * page only once the forwarder reports every message of it delivered (syslog-forwarder.ts says
 * what that takes), under the lease's fence: a relay whose term is over is refused and stops. A
 * crash before the move sends those messages again, as exact copies (every message's time comes
 * from the database), which is at least once.
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
import type { LeaseTerm } from './siem-lease-store';
import type { SyslogForwarder } from './syslog-forwarder';

export interface SiemRelayDeps {
  readonly db: Database;
  readonly forwarder: SyslogForwarder;
  /** The forwarding term this relay runs in: every cursor move is fenced by it. */
  readonly term: LeaseTerm;
  /** Whether the lease is still this instance's, as far as it can tell: nothing new is sent otherwise. */
  readonly mayForward?: () => boolean;
  /** The cursor move was refused: another instance holds the lease now. */
  readonly onFenced?: () => void;
  /** The server's audit key (base64), carried with every head so the SIEM can check it. */
  readonly auditKey?: string;
  /** The PEN in the SD-IDs (shared/audit/export-naming.ts). */
  readonly enterpriseNumber?: number;
  readonly logger?: { warn(obj: object, msg: string): void };
  /** Tree indexes per page. */
  readonly pageSize?: number;
  /** Messages sent and not yet delivered before the relay waits. */
  readonly maxUndelivered?: number;
  /** How long one wait for delivery lasts before it is logged and waited for again. */
  readonly flushTimeoutMs?: number;
  /** After a database failure, when to try again. */
  readonly retryMs?: number;
}

export interface SiemRelay {
  /** Something was appended: forward it (and anything still behind the cursor). Never throws. */
  wake(): void;
  /** Stops forwarding, gives the forwarder a moment to deliver what it holds, moves the cursor that far, and closes it. */
  close(): Promise<void>;
  /** Stops at once, dropping what is in flight: the term is over, its successor sends it. */
  abandon(): void;
}

const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_MAX_UNDELIVERED = 10_000;
const DEFAULT_FLUSH_TIMEOUT_MS = 15_000;
const DEFAULT_RETRY_MS = 5_000;
const CLOSE_TIMEOUT_MS = 2_000;

/** One message in the order a SIEM should see it: by tree index, then entry, batch, head. */
interface Outgoing {
  readonly index: number;
  readonly order: 0 | 1 | 2;
  readonly text: string;
}

/** A page handed to the forwarder: delivered once its last message (`ticket`) is. */
interface InFlight {
  readonly ticket: number;
  /** The cursor after this page. */
  readonly to: number;
}

export function startSiemRelay(deps: SiemRelayDeps): SiemRelay {
  const { db, forwarder, term } = deps;
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;
  const maxUndelivered = deps.maxUndelivered ?? DEFAULT_MAX_UNDELIVERED;
  const flushTimeoutMs = deps.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  const retryMs = deps.retryMs ?? DEFAULT_RETRY_MS;
  const mayForward = deps.mayForward ?? (() => true);
  const format = deps.enterpriseNumber === undefined ? {} : { enterpriseNumber: deps.enterpriseNumber };
  const warn = (event: string, fields: object = {}) => deps.logger?.warn({ event, ...fields }, 'siem forwarding');

  let closed = false;
  /** Read through a call: the flow analysis does not see close() change it across an await. */
  const isClosed = () => closed;
  let running: Promise<void> | undefined;
  let again = false;
  let retryTimer: NodeJS.Timeout | undefined;
  /** The next tree index to read, once the cursor was read at the start of the term. */
  let next: number | undefined;
  let lastTicket = 0;
  const inFlight: InFlight[] = [];

  /** The messages for tree indexes [from, to), in order. */
  const messagesFor = async (from: number, to: number): Promise<string[]> => {
    const outgoing: Outgoing[] = [];
    for (const row of await auditRowsInRange(db, from, to)) {
      if (!row.ok) warn('siem.record-unreadable', { code: 'AUDIT_RECORD_UNREADABLE' });
      else outgoing.push({ index: row.value.treeIndex, order: 0, text: formatAuditEntry(row.value, format) });
    }
    for (const { treeIndex, batch } of await batchesEndingInRange(db, from, to))
      outgoing.push({ index: treeIndex, order: 1, text: formatBatch(batch, format) });
    for (const head of await headsInRange(db, from, to))
      outgoing.push({
        index: head.treeSize - 1,
        order: 2,
        text: formatTreeHead(head, { ...format, auditKey: deps.auditKey ?? null }),
      });
    outgoing.sort((a, b) => a.index - b.index || a.order - b.order);
    return outgoing.map((message) => message.text);
  };

  const stopFenced = () => {
    warn('siem.leadership-lost', { code: 'SIEM_LEASE_LOST' });
    closed = true;
    forwarder.abandon();
    deps.onFenced?.();
  };

  /** Moves the cursor past every delivered page; false if the term turned out to be over. */
  const advanceDelivered = async (): Promise<boolean> => {
    let to: number | undefined;
    while (inFlight[0] !== undefined && inFlight[0].ticket <= forwarder.delivered) to = inFlight.shift()?.to;
    if (to === undefined) return true;
    if (await advanceSiemCursor(db, term, to)) return true;
    stopFenced();
    return false;
  };

  /** Waits, however long the SIEM is away, until `ticket` is delivered; false if closed meanwhile. */
  const delivered = async (ticket: number): Promise<boolean> => {
    for (let waited = false; ; waited = true) {
      try {
        await forwarder.flush({ through: ticket, timeoutMs: flushTimeoutMs });
        return !isClosed();
      } catch {
        if (isClosed()) return false;
        // Once per outage, not once per wait.
        if (!waited) warn('siem.waiting', { code: 'SIEM_UNAVAILABLE' });
      }
    }
  };

  const pass = async (): Promise<void> => {
    next ??= await readSiemCursor(db);
    while (!isClosed()) {
      if (!(await advanceDelivered())) return;
      const size = await committedTreeSize(db);
      if (next < size && forwarder.pending < maxUndelivered && mayForward()) {
        const to = Math.min(size, next + pageSize);
        const messages = await messagesFor(next, to);
        // Closing may have begun while the page was read.
        if (isClosed()) return;
        if (messages.length > 0) lastTicket = forwarder.send(messages);
        inFlight.push({ ticket: lastTicket, to });
        next = to;
        continue;
      }
      const oldest = inFlight[0];
      if (oldest === undefined || !(await delivered(oldest.ticket))) return;
    }
  };

  const run = (): Promise<void> => {
    again = false;
    return pass()
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
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      await forwarder
        .close({ timeoutMs: CLOSE_TIMEOUT_MS })
        .catch(() => warn('siem.closed-undelivered', { code: 'SIEM_UNAVAILABLE' }));
      await running;
      // What was delivered while closing is not sent again by the next term.
      await advanceDelivered().catch((error: unknown) => warn('siem.relay-failed', { code: faultOf(error) }));
    },
    abandon() {
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      forwarder.abandon();
    },
  };
}
