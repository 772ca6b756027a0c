/**
 * The live half of the feed: a WebSocket to `/v1/stream` that resumes after the last event this
 * workstation stored, receives what it missed, then new events as they happen. It reconnects
 * with capped, jittered backoff until stopped. Events are handed over one at a time, in order,
 * and the next is not handled until the previous one is stored, so the cursor never runs ahead
 * of the vault.
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

export interface FeedStreamOptions {
  readonly endpoint: ServerEndpoint;
  /** The current access token (it is refreshed while the stream runs). */
  readonly token: () => string | null;
  /** The last sequence stored in the vault. */
  readonly cursor: () => Promise<number>;
  /** While nothing is stored (cursor 0): the time before which the first sync skips events. */
  readonly since?: () => number;
  readonly onEvent: (event: FeedEvent) => Promise<void>;
  readonly onState: (state: StreamState) => void;
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

export function createFeedStream(options: FeedStreamOptions): FeedStream {
  const backoff = options.backoffMs ?? defaultBackoffMs;
  let socket: WebSocket | null = null;
  let running = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let ping: NodeJS.Timeout | null = null;
  let queue: Promise<void> = Promise.resolve();
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

  function handle(frame: ServerFrame, ws: WebSocket) {
    switch (frame.type) {
      case 'event':
        // Serialised: the vault stores event n before event n+1 is looked at.
        queue = queue
          .then(() => options.onEvent(frame.event))
          .catch(() => {
            // A failed store is not acknowledged: drop the socket so the events come again.
            ws.terminate();
          });
        break;
      case 'ready':
        queue = queue.then(() => {
          attempt = 0;
          if (ws === socket) setState('online');
        });
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
      await queue.catch(() => undefined);
    },
    nudge() {
      if (!running || socket !== null) return;
      if (timer) clearTimeout(timer);
      timer = null;
      void connect();
    },
  };
}
