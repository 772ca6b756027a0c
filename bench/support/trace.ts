/**
 * Stage timestamps for the benches, taken from outside the code under test: Node's
 * `diagnostics_channel` events for HTTP requests (client and server side) and a wrapper around
 * `ws` to see when a frame carrying an envelope is sent or received. Every stamp is on
 * CLOCK_MONOTONIC (`monoMs`), so stamps from different processes compare. Costs a few
 * microseconds per request or frame; nothing here changes what the code does.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { monoMs } from './child-rpc';

export interface HttpStamp {
  readonly path: string;
  readonly start: number;
  end: number | null;
}

export interface FrameStamp {
  /** Envelope (message) id the frame carries. */
  readonly id: string;
  readonly at: number;
}

export interface Trace {
  readonly http: HttpStamp[];
  readonly frames: FrameStamp[];
}

const ENVELOPE_ID = /"header":\{"v":1,"id":"([0-9a-f-]{36})"/;

/** Outgoing requests from this process (a workstation's API client). */
export function traceHttpClient(into: HttpStamp[]): void {
  const open = new WeakMap<ClientRequest, HttpStamp>();
  diagnostics.subscribe('http.client.request.start', (message) => {
    const { request } = message as { request: ClientRequest };
    const stamp: HttpStamp = { path: request.path, start: monoMs(), end: null };
    open.set(request, stamp);
    into.push(stamp);
  });
  diagnostics.subscribe('http.client.response.finish', (message) => {
    const { request } = message as { request: ClientRequest };
    const stamp = open.get(request);
    if (stamp) stamp.end = monoMs();
  });
}

/** Requests this process serves (the server), for the paths given. */
export function traceHttpServer(into: HttpStamp[], paths: readonly string[]): void {
  const open = new WeakMap<IncomingMessage, HttpStamp>();
  diagnostics.subscribe('http.server.request.start', (message) => {
    const { request } = message as { request: IncomingMessage };
    const path = request.url ?? '';
    if (!paths.includes(path)) return;
    const stamp: HttpStamp = { path, start: monoMs(), end: null };
    open.set(request, stamp);
    into.push(stamp);
  });
  diagnostics.subscribe('http.server.response.finish', (message) => {
    const { request } = message as { request: IncomingMessage };
    const stamp = open.get(request);
    if (stamp) stamp.end = monoMs();
  });
}

/** When a frame carrying an envelope is handed to a socket (server side). */
export function traceFramesSent(into: FrameStamp[]): void {
  const proto = WebSocket.prototype as unknown as { send: (data: unknown, ...rest: unknown[]) => void };
  const original = proto.send;
  proto.send = function (this: unknown, data: unknown, ...rest: unknown[]) {
    if (typeof data === 'string' && data.length > 200) {
      const id = ENVELOPE_ID.exec(data)?.[1];
      if (id !== undefined) into.push({ id, at: monoMs() });
    }
    original.call(this, data, ...rest);
  };
}

/** When a frame carrying an envelope arrives from a socket (workstation side), before any handler runs. */
export function traceFramesReceived(into: FrameStamp[]): void {
  const proto = WebSocket.prototype as unknown as { emit: (event: string | symbol, ...args: unknown[]) => boolean };
  const original = proto.emit;
  proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
    if (event === 'message' && Buffer.isBuffer(args[0]) && args[0].length > 200) {
      const id = ENVELOPE_ID.exec(args[0].toString('latin1', 0, 400))?.[1];
      if (id !== undefined) into.push({ id, at: monoMs() });
    }
    return original.call(this, event, ...args);
  };
}

/** Hands over what was recorded and starts afresh. */
export function drain<T>(list: T[]): T[] {
  return list.splice(0, list.length);
}
