/**
 * A client of the reference server as a workstation would be: HTTPS with the server's CA
 * pinned (`ca`, verification on), every response checked against the protocol's schemas, and
 * the `/v1/stream` WebSocket. Never `rejectUnauthorized: false`.
 */
import https from 'node:https';
import WebSocket from 'ws';
import { routes, type RouteName, type RouteRequest, type RouteResponse } from '../../shared/protocol/api';
import { errorResponse, type ErrorResponse } from '../../shared/protocol/errors';
import { serverFrame, STREAM_PATH, type ServerFrame } from '../../shared/protocol/stream';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body as received, for raw byte routes. */
  readonly bytes: Buffer;
}

export interface ApiClient {
  /** Any request at all: method, path, headers and body exactly as given. */
  raw(
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: string | Buffer },
  ): Promise<RawResponse>;
  /** A route call answered 200, its body validated by the route's response schema. */
  ok<R extends RouteName>(name: R, body: RouteRequest<R>, token?: string): Promise<RouteResponse<R>>;
  /** A route call that must fail: status and the typed error body. */
  refused(name: RouteName, body: unknown, token?: string): Promise<{ status: number; body: ErrorResponse }>;
  close(): void;
}

export interface ApiClientOptions {
  /** Source address (any 127.x.y.z on Linux), so a test gets a remote address of its own. */
  readonly localAddress?: string;
}

export function apiClient(baseUrl: string, caPem: string, options: ApiClientOptions = {}): ApiClient {
  const agent = new https.Agent({
    ca: caPem,
    keepAlive: true,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  const raw: ApiClient['raw'] = (method, path, { headers = {}, body } = {}) =>
    new Promise((resolve, reject) => {
      const request = https.request(new URL(path, baseUrl), { method, agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            bytes: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });

  const call = (name: RouteName, body: unknown, token?: string) => {
    const spec = routes[name];
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    if (spec.method === 'GET') return raw('GET', spec.path, { headers });
    return raw('POST', spec.path, {
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };

  return {
    raw,
    async ok(name, body, token) {
      const response = await call(name, body, token);
      if (response.status !== 200)
        throw new Error(`${name}: expected 200, got ${String(response.status)} ${response.text}`);
      return routes[name].response.parse(JSON.parse(response.text)) as RouteResponse<typeof name>;
    },
    async refused(name, body, token) {
      const response = await call(name, body, token);
      if (response.status === 200) throw new Error(`${name}: expected a refusal, got 200 ${response.text}`);
      return { status: response.status, body: errorResponse.parse(JSON.parse(response.text)) };
    },
    close: () => agent.destroy(),
  };
}

export interface StreamClient {
  readonly socket: WebSocket;
  /** The next frame not yet taken, validated by the protocol's frame schema. */
  next(timeoutMs?: number): Promise<ServerFrame>;
  /** Frames up to and including `ready`. */
  untilReady(timeoutMs?: number): Promise<ServerFrame[]>;
  /** Resolves if no frame arrives within `ms`; rejects with the frame otherwise. */
  silentFor(ms: number): Promise<void>;
  send(data: string | Buffer): void;
  resume(after: number): void;
  readonly closed: Promise<{ code: number }>;
  close(): Promise<void>;
}

function streamUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^https/, 'wss')}${STREAM_PATH}`;
}

export function openStream(baseUrl: string, caPem: string, token: string): Promise<StreamClient> {
  const socket = new WebSocket(streamUrl(baseUrl), { ca: caPem, headers: { authorization: `Bearer ${token}` } });
  const queue: ServerFrame[] = [];
  const waiting: ((frame: ServerFrame) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    const frame = serverFrame.parse(JSON.parse(data.toString('utf8')));
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else queue.push(frame);
  });
  const closed = new Promise<{ code: number }>((resolve) => socket.once('close', (code) => resolve({ code })));

  const next = (timeoutMs = 5000) =>
    new Promise<ServerFrame>((resolve, reject) => {
      const queued = queue.shift();
      if (queued) {
        resolve(queued);
        return;
      }
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(take), 1);
        reject(new Error(`no frame within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      const take = (frame: ServerFrame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      waiting.push(take);
    });

  const client: StreamClient = {
    socket,
    next,
    async untilReady(timeoutMs) {
      const frames: ServerFrame[] = [];
      for (;;) {
        const frame = await next(timeoutMs);
        frames.push(frame);
        if (frame.type === 'ready') return frames;
      }
    },
    async silentFor(ms) {
      const frame = await next(ms).catch(() => null);
      if (frame !== null) throw new Error(`unexpected frame: ${JSON.stringify(frame)}`);
    },
    send: (data) => socket.send(data),
    resume: (after) => socket.send(JSON.stringify({ type: 'resume', after })),
    closed,
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) => reject(new StreamRefused(response.statusCode ?? 0)));
    socket.once('error', reject);
  });
}

export class StreamRefused extends Error {
  constructor(readonly status: number) {
    super(`stream refused with HTTP ${String(status)}`);
  }
}

/** The HTTP status a stream upgrade is refused with (throws if it is accepted). */
export async function streamRefusal(baseUrl: string, caPem: string, headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(streamUrl(baseUrl), { ca: caPem, headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      reject(new Error('stream upgrade was accepted'));
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}
