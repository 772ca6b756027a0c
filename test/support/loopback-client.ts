/** A raw loopback WebSocket client, as a compromised page (or another local program) would use. */
import WebSocket from 'ws';
import { LOOPBACK_PATH } from '../../shared/ipc/loopback-protocol';
import { TOKEN_COOKIE } from '../../main/browser-host/host-token';

export interface RawClient {
  readonly socket: WebSocket;
  /** Sends a text frame and resolves with the next frame the host sends back. */
  request(text: string): Promise<unknown>;
  close(): void;
}

/** Trades the host's one-time address for its cookie: this spends the address. */
export async function sessionCookie(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 303 || cookie === null) throw new Error(`no cookie: ${response.status}`);
  return cookie.split(';')[0]!;
}

export function connectRaw(origin: string, headers: Record<string, string>): Promise<RawClient> {
  const socket = new WebSocket(`${origin.replace('http', 'ws')}${LOOPBACK_PATH}`, { headers });
  const queue: unknown[] = [];
  const waiting: ((frame: unknown) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    const frame: unknown = JSON.parse(data.toString());
    const next = waiting.shift();
    if (next) next(frame);
    else queue.push(frame);
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({
        socket,
        request(text) {
          socket.send(text);
          return new Promise((r) => (queue.length > 0 ? r(queue.shift()) : waiting.push(r)));
        },
        close: () => socket.close(),
      }),
    );
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`refused ${String(response.statusCode)}`)),
    );
    socket.once('error', reject);
  });
}

export { TOKEN_COOKIE };
