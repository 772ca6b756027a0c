/**
 * The Fastify instance: HTTPS only (TLS 1.2 and later, ECDHE with AEAD ciphers only:
 * shared/protocol/tls-policy.ts), WebSocket support, typed error replies
 * and the fixed-field request log. Routes are registered by the caller.
 */
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { TlsMaterial } from '../tls/tls-files';
import { MAX_ENVELOPE_JSON_BYTES } from '../../shared/protocol/envelope';
import { TLS_OPTIONS } from '../../shared/protocol/tls-policy';
import { DEFAULT_BODY_LIMIT } from './api-routes';
import { registerErrorReplies, sendFailure } from './error-reply';
import { fail } from '../outcome';
import { registerRequestLog } from './request-log';

/**
 * Client frames over MAX_CLIENT_FRAME_BYTES are answered with MALFORMED_FRAME and the
 * connection kept, so `ws` must let them through up to some larger size; beyond this it closes
 * the connection (1009), which is what a client sending megabytes deserves.
 */
const WEBSOCKET_MAX_PAYLOAD = MAX_ENVELOPE_JSON_BYTES;

export interface HttpAppOptions {
  readonly tls: TlsMaterial;
  readonly logger: Logger;
  /** Runs when the server starts closing, before the HTTP server stops: close the streams here. */
  readonly beforeClose: () => Promise<void>;
}

export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    https: { key: options.tls.serverKeyPem, cert: options.tls.serverCertPem, ...TLS_OPTIONS, honorCipherOrder: true },
    logger: false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    forceCloseConnections: true,
    trustProxy: false,
    // Refusals the router makes before any route or hook runs (a path segment over the length a
    // parameter may have, a malformed percent-encoding) are typed answers too: Fastify's own
    // would echo the path back. A parameter too long to be an id names nothing.
    frameworkErrors: (error, request, reply) => {
      // Before any hook: the request log's fields are not set yet.
      request.logFields = {};
      const code =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'NOT_FOUND'
          : error.code === 'FST_ERR_BAD_URL'
            ? 'MALFORMED_REQUEST'
            : 'INTERNAL';
      void sendFailure(request, reply, fail(code));
    },
    // The routes never touch the raw server, so the HTTPS instance is typed as the generic one.
  }) as unknown as FastifyInstance;
  registerRequestLog(app, options.logger);
  registerErrorReplies(app);
  await app.register(fastifyWebsocket, {
    options: { maxPayload: WEBSOCKET_MAX_PAYLOAD },
    preClose: async function preClose(this: FastifyInstance) {
      await options.beforeClose();
      for (const client of this.websocketServer.clients) client.terminate();
      await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
    },
    errorHandler: (_error, socket) => socket.terminate(),
  });
  return app;
}
