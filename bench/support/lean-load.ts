/**
 * Load generation for the server-throughput bench with as little client CPU as possible, since
 * the load generator shares the machine's two cores with the server it measures: envelopes are
 * serialised once before the clock starts and POSTed as bytes over a kept-alive TLS connection
 * (CA pinned, as a workstation does), and stream frames are counted by their first bytes, never
 * parsed. The server sees exactly what a workstation would send and receive.
 */
import https from 'node:https';
import WebSocket from 'ws';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import { routes } from '../../shared/protocol/api';
import { STREAM_PATH } from '../../shared/protocol/stream';

export interface LeanSender {
  /** POSTs a pre-serialised `send` body; answers the HTTP status and whether it was a duplicate. */
  send(body: Buffer, token: string): Promise<{ status: number; duplicate: boolean }>;
  close(): void;
}

export function leanSender(endpoint: ServerEndpoint): LeanSender {
  const agent = new https.Agent({ ca: endpoint.caPem, keepAlive: true, maxSockets: 1, minVersion: 'TLSv1.2' });
  const url = new URL(routes.send.path, endpoint.url);
  return {
    send(body, token) {
      return new Promise((resolve, reject) => {
        const request = https.request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': String(body.length),
              authorization: `Bearer ${token}`,
              accept: 'application/json',
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                duplicate: Buffer.concat(chunks).includes('"duplicate":true'),
              }),
            );
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

const ENVELOPE_EVENT = Buffer.from('{"type":"event","event":{"type":"envelope"');
const READY = Buffer.from('{"type":"ready"');

export interface LeanStream {
  /** Envelope events received so far. */
  envelopes(): number;
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** A `/v1/stream` connection that resumes from the start and counts envelope events. */
export function leanStream(endpoint: ServerEndpoint, token: string): LeanStream {
  const socket = new WebSocket(new URL(STREAM_PATH, endpoint.url), {
    ca: endpoint.caPem,
    headers: { authorization: `Bearer ${token}` },
    maxPayload: 1024 * 1024,
  });
  let envelopes = 0;
  let markReady: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.once('open', () => socket.send(JSON.stringify({ type: 'resume', after: 0 })));
  socket.once('error', (error) => fail(error));
  socket.once('unexpected-response', (_request, response) =>
    fail(new Error(`stream refused: ${String(response.statusCode)}`)),
  );
  socket.on('message', (data: Buffer) => {
    if (data.subarray(0, ENVELOPE_EVENT.length).equals(ENVELOPE_EVENT)) envelopes += 1;
    else if (data.subarray(0, READY.length).equals(READY)) markReady();
  });
  return {
    envelopes: () => envelopes,
    ready,
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await closed;
    },
  };
}
