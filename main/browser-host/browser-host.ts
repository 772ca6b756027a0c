/**
 * The browser host: serves the built renderer on 127.0.0.1 and carries the preload API over a
 * loopback WebSocket to the same main-process core Electron runs. For tests and for development
 * on machines without the Electron runtime; never part of a packaged build.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { appError } from '../../shared/errors';
import {
  BROWSER_PRELOAD_PATH,
  LOOPBACK_PATH,
  MAX_FRAME_BYTES,
  clientFrameSchema,
  type ServerFrame,
} from '../../shared/ipc/loopback-protocol';
import type { AppCore } from '../core/app-core';
import type { Logger } from '../logging/logger';
import { contentTypeOf, resolveAssetPath } from '../shell/app-assets';
import { securityHeaders } from '../shell/content-security-policy';
import { createHostAccess, tokenCookie } from './host-token';

/** The host's report of open vault handles (the session-security tests ask it). */
export const OPEN_VAULTS_PATH = '/host/open-vaults';

export interface BrowserHostOptions {
  /** Builds the core once the host knows its own origin (the only origin the router trusts). */
  readonly createCore: (origin: string) => AppCore;
  readonly rendererDir: string;
  readonly browserPreloadFile: string;
  readonly port: number;
  readonly logger: Logger;
}

export interface BrowserHost {
  /** The URL to open, with the one-time token: it opens the app once, in one browser. */
  readonly url: string;
  readonly origin: string;
  readonly core: AppCore;
  close(): Promise<void>;
}

const REFUSED_TEXT = 'Refused: open the address the Wardline browser host printed, with its one-time token.\n';
const SPENT_TEXT =
  'Refused: this one-time address has already been used. Use the tab it opened, or restart the browser host for a new address.\n';

/** Text of a frame; `ws` hands fragmented messages over as a list of buffers. */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data))).toString('utf8');
}

function send(socket: WebSocket, frame: ServerFrame): void {
  socket.send(JSON.stringify(frame));
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const access = createHostAccess();
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const core = options.createCore(origin);
  const headers = securityHeaders();

  const indexHtml = (await readFile(`${options.rendererDir}/index.html`, 'utf8')).replace(
    '<script',
    `<script src="${BROWSER_PRELOAD_PATH}"></script>\n    <script`,
  );
  const preloadJs = await readFile(options.browserPreloadFile);

  const refuse = (
    response: http.ServerResponse,
    status: number,
    text = status === 404 ? 'Not found\n' : REFUSED_TEXT,
  ) => {
    response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(text);
  };

  server.on('request', (request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', origin);
      if (request.method !== 'GET') return refuse(response, 405);
      const presented = url.searchParams.get('token');
      if (url.pathname === '/' && presented !== null) {
        // Trade the token for a cookie, once, and drop it from the address bar.
        const exchange = access.exchange(presented);
        if (!exchange.ok) {
          if (exchange.error === 'spent') options.logger.warn('browser host refused a one-time address already used');
          return refuse(response, 403, exchange.error === 'spent' ? SPENT_TEXT : REFUSED_TEXT);
        }
        response.writeHead(303, { ...headers, 'Set-Cookie': tokenCookie(exchange.value), Location: '/' });
        return response.end();
      }
      if (!access.admits(request.headers.cookie)) return refuse(response, 403);
      if (url.pathname === '/' || url.pathname === '/index.html') {
        response.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
        return response.end(indexHtml);
      }
      if (url.pathname === OPEN_VAULTS_PATH) {
        // For tests and support: which users' vaults this core holds open now (ids only).
        const open = new Set(core.vaults.openVaultIds());
        const openVaults = core.vaults
          .list()
          .filter((vault) => open.has(vault.vaultId))
          .map((vault) => ({ vaultId: vault.vaultId, userId: vault.userId }));
        response.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
        return response.end(JSON.stringify({ openVaults }));
      }
      if (url.pathname === BROWSER_PRELOAD_PATH) {
        response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' });
        return response.end(preloadJs);
      }
      const file = resolveAssetPath(options.rendererDir, url.pathname);
      if (file === null) return refuse(response, 404);
      try {
        const body = await readFile(file);
        response.writeHead(200, { ...headers, 'Content-Type': contentTypeOf(file) });
        response.end(body);
      } catch {
        refuse(response, 404);
      }
    })();
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin);
    const authorised =
      url.pathname === LOOPBACK_PATH && request.headers.origin === origin && access.admits(request.headers.cookie);
    if (!authorised) {
      options.logger.warn({ path: url.pathname }, 'browser host refused a websocket');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws));
  });

  const stopEvents = core.onEvent((name, payload) => {
    for (const client of sockets.clients) send(client, { type: 'event', name, payload });
  });

  sockets.on('connection', (ws: WebSocket) => {
    // A protocol violation (e.g. an over-sized frame) closes this connection only; without a
    // listener `ws` would rethrow it and take the whole host down.
    ws.on('error', (error: Error & { code?: string }) => {
      options.logger.warn({ code: error.code ?? 'unknown' }, 'browser host closed a websocket after a protocol error');
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void (async () => {
        let frame;
        try {
          if (isBinary) throw new Error('binary frame');
          frame = clientFrameSchema.parse(JSON.parse(rawText(data)));
        } catch {
          return send(ws, { type: 'frame-error', error: appError('BAD_REQUEST') });
        }
        // The page is the app's own top frame: the upgrade proved its origin and token.
        const result = await core.router.dispatch(frame.channel, frame.payload, {
          url: `${origin}/`,
          isTopFrame: true,
        });
        if (ws.readyState === ws.OPEN) send(ws, { type: 'result', id: frame.id, result });
      })();
    });
  });

  return {
    url: `${origin}/?token=${access.token}`,
    origin,
    core,
    async close() {
      stopEvents();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.close();
    },
  };
}
