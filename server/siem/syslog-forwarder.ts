/**
 * Forwards syslog messages to a hospital SIEM over TLS (RFC 5425, octet-counted framing). The
 * audit trail must reach the SIEM even across SIEM restarts and network faults, so nothing is
 * ever dropped: messages wait in memory until written, and the connection is re-made with
 * exponential backoff.
 *
 * Syslog over TLS has no application acknowledgement, and bytes the kernel accepted can still be
 * lost when the peer goes away. So a message written less than `settleMs` before a connection
 * was lost is sent again on the next one: delivery is at least once, and a SIEM removes any
 * duplicate by its tree index and hash. (RELP would give exact acknowledgements; hospital SIEMs
 * rarely speak it.)
 *
 * Logs carry an event name and an error code only, never a message or an address.
 */
import { randomInt } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { TLS_OPTIONS } from '../../shared/protocol/tls-policy';
import { faultOf } from '../logging/fault';
import { frame } from '../../shared/node/syslog/rfc5424';

export interface SyslogForwarderOptions {
  readonly host: string;
  readonly port: number;
  /** PEM of the CA that issued the SIEM's certificate: the only one trusted. */
  readonly ca: string;
  /** The name checked against the certificate; defaults to `host`. */
  readonly servername?: string;
  readonly logger?: { warn(obj: object, msg: string): void };
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** How long `flush()` waits by default before rejecting. */
  readonly flushTimeoutMs?: number;
  /** How long a connection must outlive a write before that message counts as delivered. */
  readonly settleMs?: number;
  readonly connectTimeoutMs?: number;
}

export interface SyslogForwarder {
  /** Queues messages (unframed RFC 5424 text). Never throws, never drops. */
  send(messages: readonly string[]): void;
  /** Resolves once everything sent so far is written to the socket; rejects after the timeout. */
  flush(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Flushes, then closes the connection and stops reconnecting. Rejects if messages were left unwritten. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Messages not yet written to a connection. */
  readonly pending: number;
}

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 };
const DEFAULT_FLUSH_TIMEOUT_MS = 10_000;
const DEFAULT_SETTLE_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const KEEPALIVE_MS = 30_000;

interface Item {
  readonly id: number;
  readonly bytes: Buffer;
  /** When the write completed on the current connection. */
  writtenAt?: number;
}

interface FlushWaiter {
  readonly through: number;
  readonly resolve: () => void;
}

/** A FIFO with O(1) shift, so a long outage's backlog does not make every write quadratic. */
class Queue {
  private items: Item[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  first(): Item | undefined {
    return this.items[this.head];
  }

  push(item: Item): void {
    this.items.push(item);
  }

  shift(): Item | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Puts items (older than everything queued) back at the front. */
  unshiftAll(items: readonly Item[]): void {
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }

  takeAll(): Item[] {
    const items = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return items;
  }
}

export function createSyslogForwarder(options: SyslogForwarderOptions): SyslogForwarder {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const defaultFlushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  // SNI cannot carry an IP address; certificate checks then use the host.
  const servername = options.servername ?? (net.isIP(options.host) === 0 ? options.host : undefined);

  const queue = new Queue();
  /** Handed to the socket, write not yet complete. */
  let writing: Item[] = [];
  /** Written on this connection within the last `settleMs`, oldest first. */
  const settling = new Queue();
  let nextId = 1;
  let socket: tls.TLSSocket | undefined;
  let ready = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let delayMs = backoff.initialMs;
  let closed = false;
  let closing: Promise<void> | undefined;
  let waiters: FlushWaiter[] = [];

  const warn = (event: string, fields: object = {}) => options.logger?.warn({ event, ...fields }, 'siem forwarding');

  const firstUnwritten = (): number => writing[0]?.id ?? queue.first()?.id ?? nextId;

  const settleWaiters = () => {
    if (waiters.length === 0) return;
    const unwritten = firstUnwritten();
    const done = waiters.filter((waiter) => waiter.through < unwritten);
    if (done.length === 0) return;
    waiters = waiters.filter((waiter) => waiter.through >= unwritten);
    for (const waiter of done) waiter.resolve();
  };

  const pruneSettled = (now: number) => {
    const cutoff = now - settleMs;
    for (
      let oldest = settling.first();
      oldest !== undefined && (oldest.writtenAt ?? now) <= cutoff;
      oldest = settling.first()
    )
      settling.shift();
  };

  const pump = () => {
    const current = socket;
    if (current === undefined || !ready) return;
    while (queue.length > 0 && !current.writableNeedDrain) {
      const item = queue.shift();
      if (item === undefined) break;
      writing.push(item);
      current.write(item.bytes, (error) => {
        // A callback from a connection already given up on: its items were requeued then.
        if (error || socket !== current) return;
        const now = Date.now();
        const index = writing.indexOf(item);
        if (index !== -1) writing.splice(index, 1);
        item.writtenAt = now;
        settling.push(item);
        pruneSettled(now);
        settleWaiters();
      });
    }
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer !== undefined) return;
    // Half to all of the current delay, so many servers do not reconnect in step.
    const wait = Math.ceil(delayMs / 2) + randomInt(Math.floor(delayMs / 2) + 1);
    delayMs = Math.min(delayMs * 2, backoff.maxMs);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect();
    }, wait);
    reconnectTimer.unref();
  };

  /** The connection is gone: anything not known to have reached the SIEM goes round again. */
  const lost = (current: tls.TLSSocket) => {
    if (socket !== current) return;
    socket = undefined;
    ready = false;
    current.destroy();
    pruneSettled(Date.now());
    // Written items are older than those still being written, so this keeps send order.
    const again = [...settling.takeAll(), ...writing].map((item) => ({ id: item.id, bytes: item.bytes }));
    writing = [];
    if (again.length > 0) queue.unshiftAll(again);
    if (queue.length > 0) scheduleReconnect();
  };

  const connect = () => {
    if (closed || socket !== undefined) return;
    let current: tls.TLSSocket;
    try {
      current = tls.connect({
        host: options.host,
        port: options.port,
        servername,
        ca: [options.ca],
        rejectUnauthorized: true,
        ...TLS_OPTIONS,
      });
    } catch (error) {
      warn('siem.connect-failed', { code: faultOf(error) });
      scheduleReconnect();
      return;
    }
    socket = current;
    current.setTimeout(connectTimeoutMs, () => {
      warn('siem.connect-timeout');
      lost(current);
    });
    current.once('secureConnect', () => {
      if (socket !== current) return;
      current.setTimeout(0);
      current.setKeepAlive(true, KEEPALIVE_MS);
      ready = true;
      delayMs = backoff.initialMs;
      pump();
    });
    current.on('drain', pump);
    // The SIEM sends nothing; reading lets its close arrive as 'end'.
    current.on('data', () => undefined);
    current.once('end', () => {
      if (socket === current && !closed) warn('siem.peer-closed');
      lost(current);
    });
    current.once('error', (error) => {
      if (socket === current) warn('siem.connection-failed', { code: faultOf(error) });
      lost(current);
    });
    current.once('close', () => lost(current));
  };

  const flush = (flushOptions?: { readonly timeoutMs?: number }): Promise<void> => {
    const through = nextId - 1;
    if (firstUnwritten() > through) return Promise.resolve();
    const timeoutMs = flushOptions?.timeoutMs ?? defaultFlushTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((waiter) => waiter !== entry);
        reject(
          new Error(
            `syslog flush timed out after ${String(timeoutMs)} ms with ${String(pendingCount())} messages unwritten`,
          ),
        );
      }, timeoutMs);
      const entry: FlushWaiter = {
        through,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      waiters.push(entry);
    });
  };

  const pendingCount = () => queue.length + writing.length;

  const shutDown = async (closeOptions?: { readonly timeoutMs?: number }) => {
    let unwritten: Error | undefined;
    try {
      await flush(closeOptions);
    } catch (error) {
      unwritten = error instanceof Error ? error : new Error('syslog flush failed');
    }
    closed = true;
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    const current = socket;
    socket = undefined;
    ready = false;
    if (current !== undefined) {
      await new Promise<void>((resolve) => {
        // A peer that never answers our close_notify does not hold the shutdown up.
        const timer = setTimeout(() => current.destroy(), 2_000);
        current.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        current.end();
      });
    }
    if (unwritten !== undefined) throw unwritten;
  };

  return {
    send(messages) {
      try {
        for (const message of messages) {
          queue.push({ id: nextId, bytes: frame(message) });
          nextId += 1;
        }
        if (closed) warn('siem.send-after-close', { count: messages.length });
        else if (socket === undefined) {
          if (reconnectTimer === undefined) connect();
        } else pump();
      } catch (error) {
        // Never throws: the caller is recording an audit event and must not fail because of the SIEM.
        warn('siem.send-failed', { code: faultOf(error) });
      }
    },
    flush,
    close(closeOptions) {
      closing ??= shutDown(closeOptions);
      return closing;
    },
    get pending() {
      return pendingCount();
    },
  };
}
