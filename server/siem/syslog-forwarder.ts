/**
 * Forwards syslog messages to a hospital SIEM over TLS (RFC 5425, octet-counted framing), as an
 * IHE ATNA secure node: the SIEM's certificate must chain to the pinned CA, and the forwarder
 * presents the hospital-issued client certificate when one is configured. The audit trail must
 * reach the SIEM across SIEM restarts and network faults, so nothing is ever dropped: messages
 * wait in memory until delivered, and the connection is re-made with exponential backoff.
 *
 * What counts as delivered. Syslog over TLS has no application acknowledgement, and a finished
 * handshake is no proof the SIEM accepted us: under TLS 1.3 the client's handshake completes
 * before the server has checked the client's certificate, and a receiver like rsyslog (authmode
 * x509/certvalid or x509/name) checks it after the handshake and simply closes the connection
 * ("peer did not provide a certificate"), sending no alert. So:
 * - a new connection is on probation for `confirmMs` and nothing is written until it passes. A
 *   receiver that refuses us (a TLS alert, or a close right after the handshake) does so within a
 *   round trip, so its refusal is seen, logged as `siem.refused`, and does not reset the backoff;
 * - a message counts as delivered only once the connection has stayed open `settleMs` after its
 *   write completed. A connection lost before then sends it again on the next one. `flush()` and
 *   `delivered` report only delivered messages, and the relay moves its cursor only past those.
 * Delivery is therefore at least once, never at most once: a SIEM removes any duplicate by its
 * tree index and hash. Bytes the peer's kernel accepted can still be lost after `settleMs` if the
 * SIEM itself then fails; RELP would give exact acknowledgements, but hospital SIEMs rarely speak it.
 *
 * Logs carry an event name and an error code only, never a message or an address.
 */
import { randomInt } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { TLS_OPTIONS } from '../../shared/protocol/tls-policy';
import { faultOf } from '../logging/fault';
import { frame } from '../../shared/node/syslog/rfc5424';
import { MessageQueue, type QueuedMessage } from './message-queue';

export interface SyslogForwarderOptions {
  readonly host: string;
  readonly port: number;
  /** PEM of the CA that issued the SIEM's certificate: the only one trusted. */
  readonly ca: string;
  /** The name checked against the certificate; defaults to `host`. */
  readonly servername?: string;
  /** This server's client certificate and key (PEM), for a SIEM that requires one (IHE ATNA). */
  readonly clientCertificate?: { readonly certPem: string; readonly keyPem: string };
  readonly logger?: { warn(obj: object, msg: string): void };
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** How long `flush()` waits by default before rejecting. */
  readonly flushTimeoutMs?: number;
  /** How long a new connection must stay open before anything is written on it. */
  readonly confirmMs?: number;
  /** How long a connection must outlive a write before that message counts as delivered. */
  readonly settleMs?: number;
  readonly connectTimeoutMs?: number;
}

export interface SyslogForwarder {
  /** Queues messages (unframed RFC 5424 text); answers the ticket of the last one sent so far. Never throws, never drops. */
  send(messages: readonly string[]): number;
  /** Resolves once every message up to `through` (default: all sent so far) is delivered; rejects after the timeout. */
  flush(options?: { readonly timeoutMs?: number; readonly through?: number }): Promise<void>;
  /** Flushes, then closes the connection and stops reconnecting. Rejects if messages were left undelivered. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Stops at once, dropping what is not delivered: for a sender that no longer forwards (another took over). */
  abandon(): void;
  /** Messages sent and not yet delivered. */
  readonly pending: number;
  /** The ticket through which every message is delivered (0 before the first). */
  readonly delivered: number;
}

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 };
const DEFAULT_FLUSH_TIMEOUT_MS = 10_000;
const DEFAULT_CONFIRM_MS = 1_000;
const DEFAULT_SETTLE_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const KEEPALIVE_MS = 30_000;

interface FlushWaiter {
  readonly through: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export function createSyslogForwarder(options: SyslogForwarderOptions): SyslogForwarder {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const confirmMs = options.confirmMs ?? DEFAULT_CONFIRM_MS;
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const defaultFlushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  // SNI cannot carry an IP address; certificate checks then use the host.
  const servername = options.servername ?? (net.isIP(options.host) === 0 ? options.host : undefined);
  const identity =
    options.clientCertificate === undefined
      ? {}
      : { cert: options.clientCertificate.certPem, key: options.clientCertificate.keyPem };

  const queue = new MessageQueue();
  /** Handed to the socket, write not yet complete. */
  let writing: QueuedMessage[] = [];
  /** Written on this connection, not yet `settleMs` old, oldest first. */
  const settling = new MessageQueue();
  let nextId = 1;
  let deliveredThrough = 0;
  let socket: tls.TLSSocket | undefined;
  /** The connection passed its probation: messages may be written on it. */
  let ready = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let probationTimer: NodeJS.Timeout | undefined;
  let settleTimer: NodeJS.Timeout | undefined;
  let delayMs = backoff.initialMs;
  let closed = false;
  let closing: Promise<void> | undefined;
  let waiters: FlushWaiter[] = [];

  const warn = (event: string, fields: object = {}) => options.logger?.warn({ event, ...fields }, 'siem forwarding');

  const settleWaiters = () => {
    if (waiters.length === 0) return;
    const done = waiters.filter((waiter) => waiter.through <= deliveredThrough);
    if (done.length === 0) return;
    waiters = waiters.filter((waiter) => waiter.through > deliveredThrough);
    for (const waiter of done) waiter.resolve();
  };

  /** Messages that have outlived `settleMs` on a connection that is still open are delivered. */
  const confirmSettled = (current: tls.TLSSocket) => {
    if (socket !== current || !ready) return;
    const cutoff = Date.now() - settleMs;
    let oldest = settling.first();
    while (oldest?.writtenAt !== undefined && oldest.writtenAt <= cutoff) {
      deliveredThrough = Math.max(deliveredThrough, oldest.id);
      settling.shift();
      oldest = settling.first();
    }
    settleWaiters();
    scheduleSettle(current);
  };

  const scheduleSettle = (current: tls.TLSSocket) => {
    const oldest = settling.first();
    if (settleTimer !== undefined || oldest?.writtenAt === undefined) return;
    const wait = Math.max(0, oldest.writtenAt + settleMs - Date.now());
    settleTimer = setTimeout(() => {
      settleTimer = undefined;
      // After the next poll for I/O: a close that arrived while the loop was busy is seen first.
      setImmediate(() => confirmSettled(current));
    }, wait);
    settleTimer.unref();
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
        const index = writing.indexOf(item);
        if (index !== -1) writing.splice(index, 1);
        item.writtenAt = Date.now();
        settling.push(item);
        scheduleSettle(current);
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
    clearTimeout(probationTimer);
    clearTimeout(settleTimer);
    probationTimer = undefined;
    settleTimer = undefined;
    current.destroy();
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
        ...identity,
        ...TLS_OPTIONS,
      });
    } catch (error) {
      warn('siem.connect-failed', { code: faultOf(error) });
      scheduleReconnect();
      return;
    }
    socket = current;
    /** Where this connection stands: a close during probation is a refusal of this client. */
    let phase: 'handshake' | 'probation' | 'confirmed' = 'handshake';
    current.setTimeout(connectTimeoutMs, () => {
      warn('siem.connect-timeout');
      lost(current);
    });
    current.once('secureConnect', () => {
      if (socket !== current) return;
      current.setTimeout(0);
      current.setKeepAlive(true, KEEPALIVE_MS);
      phase = 'probation';
      probationTimer = setTimeout(() => {
        probationTimer = undefined;
        // As for settling: a refusal already received is handled before the connection is trusted.
        setImmediate(() => {
          if (socket !== current) return;
          phase = 'confirmed';
          ready = true;
          delayMs = backoff.initialMs;
          pump();
        });
      }, confirmMs);
      probationTimer.unref();
    });
    current.on('drain', pump);
    // The SIEM sends nothing; reading lets its close arrive as 'end'.
    current.on('data', () => undefined);
    const refusedOrLost = (code: string | undefined) => {
      if (socket === current && !closed) {
        // Closed after the handshake and before probation ended: the SIEM refused this client
        // (its certificate missing, untrusted or not a permitted peer).
        if (phase === 'probation') warn('siem.refused', { code: code ?? 'SIEM_CLOSED_AFTER_HANDSHAKE' });
        else if (code === undefined) warn('siem.peer-closed');
        else warn('siem.connection-failed', { code });
      }
      lost(current);
    };
    current.once('end', () => refusedOrLost(undefined));
    current.once('error', (error) => refusedOrLost(faultOf(error)));
    current.once('close', () => lost(current));
  };

  const pendingCount = () => nextId - 1 - deliveredThrough;

  const flush = (flushOptions?: { readonly timeoutMs?: number; readonly through?: number }): Promise<void> => {
    const through = Math.min(flushOptions?.through ?? nextId - 1, nextId - 1);
    if (deliveredThrough >= through) return Promise.resolve();
    const timeoutMs = flushOptions?.timeoutMs ?? defaultFlushTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((waiter) => waiter !== entry);
        reject(
          new Error(
            `syslog flush timed out after ${String(timeoutMs)} ms with ${String(pendingCount())} messages not yet delivered`,
          ),
        );
      }, timeoutMs);
      const entry: FlushWaiter = {
        through,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      waiters.push(entry);
    });
  };

  const stop = (): tls.TLSSocket | undefined => {
    closed = true;
    clearTimeout(reconnectTimer);
    clearTimeout(probationTimer);
    clearTimeout(settleTimer);
    reconnectTimer = undefined;
    probationTimer = undefined;
    settleTimer = undefined;
    const current = socket;
    socket = undefined;
    ready = false;
    // Whoever still waits would wait for nothing: told now rather than at their timeout.
    const left = waiters;
    waiters = [];
    for (const waiter of left) waiter.reject(new Error('syslog forwarder closed with messages not yet delivered'));
    return current;
  };

  const shutDown = async (closeOptions?: { readonly timeoutMs?: number }) => {
    let undelivered: Error | undefined;
    try {
      await flush(closeOptions);
    } catch (error) {
      undelivered = error instanceof Error ? error : new Error('syslog flush failed');
    }
    const current = stop();
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
    if (undelivered !== undefined) throw undelivered;
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
      return nextId - 1;
    },
    flush,
    close(closeOptions) {
      closing ??= shutDown(closeOptions);
      return closing;
    },
    abandon() {
      stop()?.destroy();
      queue.takeAll();
      settling.takeAll();
      writing = [];
    },
    get pending() {
      return pendingCount();
    },
    get delivered() {
      return deliveredThrough;
    },
  };
}
