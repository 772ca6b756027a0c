/**
 * The live half of the feed: a WebSocket to `/v1/stream` that resumes after the last event this
 * workstation stored, receives what it missed, then new events as they happen. It reconnects
 * with capped, jittered backoff until stopped. Events are handed over in order, in pages of
 * whatever has arrived (one live, hundreds while catching up), and the next page is not handed
 * over until the previous one is stored, so the cursor never runs ahead of the vault. A page that
 * could not be stored drops the socket and everything after it that came on it: those events
 * come again from the cursor, and none is stored past one that was not.
 */
import { randomInt } from 'node:crypto';
import WebSocket from 'ws';
import {
  serverFrame,
  STREAM_PATH,
  type ClientFrame,
  type ServerFrame,
  SESSION_END_REASONS,
} from '../../shared/protocol/stream';
import type { FeedEvent } from '../../shared/protocol/feed';
import { TLS_OPTIONS } from '../../shared/protocol/tls-policy';
import { classifyTransportError, type ServerEndpoint } from './server-endpoint';

export type StreamState = 'connecting' | 'online' | 'offline';
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export interface FeedStreamOptions<Prepared> {
  readonly endpoint: ServerEndpoint;
  /** The current access token (it is refreshed while the stream runs). */
  readonly token: () => string | null;
  /** The last sequence stored in the vault. */
  readonly cursor: () => Promise<number>;
  /** While nothing is stored (cursor 0): the time before which the first sync skips events. */
  readonly since?: () => number;
  /**
   * Work on an event that needs nothing stored before it (verifying, opening): started as the
   * event arrives, in order, at most two pages ahead, while the page before it is stored.
   */
  readonly prepare: (event: FeedEvent) => Promise<Prepared>;
  /** Stores a page of prepared events, in order; rejects if it could not. */
  readonly onEvents: (page: readonly Prepared[]) => Promise<void>;
  readonly onState: (state: StreamState) => void;
  /** A resume found a backlog: the events waiting run up to `through` (for a progress indicator). */
  readonly onBacklog?: (through: number) => void;
  readonly onSessionEnded: (reason: SessionEndReason) => void;
  /** IT has commands waiting for this workstation (a remote wipe): fetch them now. */
  readonly onCommandsPending?: () => void;
  /** Delay before reconnect attempt `n` (from 1); default: 0.5 s doubling to 30 s, ±25 % jitter. */
  readonly backoffMs?: (attempt: number) => number;
}

export interface FeedStream {
  start(): void;
  /** Closes the socket and stops reconnecting. */
  stop(): Promise<void>;
  /** Reconnects at once (e.g. after a send succeeded while this stream was still backing off). */
  nudge(): void;
}

export function defaultBackoffMs(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 10));
  return Math.round(base * (0.75 + randomInt(0, 501) / 1000));
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
/** A silent socket (no pong) is treated as dead after this, so "online" is never stale. */
const PING_INTERVAL_MS = 20_000;
/** The most events handed over at once: a page's transaction holds the vault that long. */
export const MAX_PAGE_EVENTS = 200;

/** How many waiting events are prepared ahead of the page being stored. */
const PREPARED_AHEAD = 2 * MAX_PAGE_EVENTS;

type Waiting<Prepared> =
  | { readonly ws: WebSocket; readonly event: FeedEvent; prepared: Promise<Prepared> | null }
  | { readonly ws: WebSocket; readonly event: 'ready' };

/** For a stream whose events need no preparation. */
export const asArrived = (event: FeedEvent): Promise<FeedEvent> => Promise.resolve(event);

export function createFeedStream<Prepared>(options: FeedStreamOptions<Prepared>): FeedStream {
  const backoff = options.backoffMs ?? defaultBackoffMs;
  let socket: WebSocket | null = null;
  let running = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let ping: NodeJS.Timeout | null = null;
  /** Frames received and not yet handled, in order, with the socket each came on. */
  let waiting: Waiting<Prepared>[] = [];
  let pumping: Promise<void> | null = null;
  /** Sockets whose page failed: what else comes on them is dropped. */
  const failed = new WeakSet<WebSocket>();
  let state: StreamState | null = null;
  const isRunning = () => running;

  const setState = (next: StreamState) => {
    if (next === state) return;
    state = next;
    options.onState(next);
  };

  function scheduleReconnect() {
    if (!running || timer !== null) return;
    attempt += 1;
    setState('offline');
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, backoff(attempt));
  }

  /** Starts the preparation of the first waiting events that have none yet. */
  function prepareAhead() {
    for (let i = 0; i < Math.min(waiting.length, PREPARED_AHEAD); i += 1) {
      const entry = waiting[i];
      if (entry === undefined || entry.event === 'ready' || entry.prepared !== null) continue;
      entry.prepared = options.prepare(entry.event);
      // Awaited in turn below; one dropped after a failure must not count as unhandled.
      entry.prepared.catch(() => undefined);
    }
  }

  /** Hands over what waits, page by page: whatever is waiting when the page before is stored. */
  async function pump(): Promise<void> {
    for (let head = waiting[0]; head !== undefined; head = waiting[0]) {
      if (!running) {
        // Stopped, or the session ended: what was not stored comes again at the next start.
        waiting = [];
        return;
      }
      if (head.event === 'ready') {
        waiting.shift();
        attempt = 0;
        if (head.ws === socket) setState('online');
        continue;
      }
      const ws = head.ws;
      let size = 0;
      while (size < MAX_PAGE_EVENTS && waiting[size]?.ws === ws && waiting[size]?.event !== 'ready') size += 1;
      prepareAhead();
      const page: Promise<Prepared>[] = [];
      for (const entry of waiting.splice(0, size))
        if (entry.event !== 'ready') page.push(entry.prepared ?? options.prepare(entry.event));
      try {
        await options.onEvents(await Promise.all(page));
      } catch {
        // Not stored, so not acknowledged: the socket goes, with everything after the page that
        // came on it, and the events come again from the cursor.
        failed.add(ws);
        waiting = waiting.filter((entry) => entry.ws !== ws);
        ws.terminate();
      }
      prepareAhead();
    }
  }

  function kick() {
    if (pumping !== null || !running) return;
    pumping = pump().finally(() => {
      pumping = null;
      if (waiting.length > 0) kick();
    });
  }

  function enqueue(entry: Waiting<Prepared>) {
    // After stop() or a failed page on this socket: it comes again from the cursor.
    if (!running || failed.has(entry.ws)) return;
    waiting.push(entry);
    prepareAhead();
    kick();
  }

  function handle(frame: ServerFrame, ws: WebSocket) {
    switch (frame.type) {
      case 'event':
        enqueue({ ws, event: frame.event, prepared: null });
        break;
      case 'ready':
        enqueue({ ws, event: 'ready' });
        break;
      case 'backlog':
        if (ws !== socket) break;
        // Connected and catching up: no longer "offline", even after an outage.
        setState('connecting');
        options.onBacklog?.(frame.through);
        break;
      case 'session-ended':
        running = false;
        options.onSessionEnded(frame.reason);
        ws.close();
        break;
      case 'commands-pending':
        options.onCommandsPending?.();
        break;
      case 'error':
        break;
    }
  }

  async function connect() {
    if (!running) return;
    const token = options.token();
    if (token === null) return;
    // Retries after an outage stay "offline" until one succeeds: the header must not flicker
    // between Offline and Connecting every few seconds while the server is down.
    if (state !== 'offline') setState('connecting');
    let after: number;
    try {
      after = await options.cursor();
    } catch {
      scheduleReconnect();
      return;
    }
    // stop() may have run while the cursor was read.
    if (!isRunning()) return;
    const ws = new WebSocket(new URL(STREAM_PATH, options.endpoint.url), {
      ca: options.endpoint.caPem,
      ...TLS_OPTIONS,
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      maxPayload: 1024 * 1024,
    });
    socket = ws;
    let alive = true;
    ws.on('open', () => {
      const resume: ClientFrame =
        after === 0 && options.since ? { type: 'resume', after, since: options.since() } : { type: 'resume', after };
      ws.send(JSON.stringify(resume));
      ping = setInterval(() => {
        if (!alive) {
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, PING_INTERVAL_MS);
    });
    ws.on('pong', () => (alive = true));
    ws.on('message', (data: WebSocket.RawData) => {
      alive = true;
      let parsed: unknown;
      try {
        parsed = JSON.parse(
          Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'),
        );
      } catch {
        return;
      }
      const frame = serverFrame.safeParse(parsed);
      if (frame.success) handle(frame.data, ws);
    });
    ws.on('unexpected-response', (_request, response) => {
      // 401 on the upgrade: the token is no longer valid. The session owner decides what next.
      if (response.statusCode === 401) {
        running = false;
        options.onSessionEnded('expired');
      }
      ws.terminate();
    });
    ws.on('error', (error) => {
      if (classifyTransportError(error) === 'UNTRUSTED') setState('offline');
    });
    ws.on('close', () => {
      if (ping) clearInterval(ping);
      ping = null;
      if (socket === ws) socket = null;
      scheduleReconnect();
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      void connect();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      const ws = socket;
      socket = null;
      if (ws && ws.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close();
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 1000).unref();
        });
      }
      // What has not been handed over yet comes again at the next start, from the cursor.
      waiting = [];
      await pumping;
    },
    nudge() {
      if (!running || socket !== null) return;
      if (timer) clearTimeout(timer);
      timer = null;
      void connect();
    },
  };
}
