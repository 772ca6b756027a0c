/**
 * `/v1/stream`: a WebSocket authorised like any route, by the bearer token on the upgrade
 * request. A refused upgrade is an ordinary HTTP 401 with the usual error body, before any
 * WebSocket exists.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { STREAM_PATH } from '../../shared/protocol/stream';
import type { AuthenticatedSession } from '../accounts/session-store';
import type { Clock } from '../clock';
import type { Queryable } from '../db/database';
import type { Authenticator } from '../http/bearer-auth';
import { sendFailure } from '../http/error-reply';
import { fail } from '../outcome';
import { openStreamConnection } from './stream-connection';
import type { StreamRegistry } from './stream-registry';

declare module 'fastify' {
  interface FastifyRequest {
    streamSession: AuthenticatedSession | null;
  }
}

export interface StreamRouteDeps {
  readonly db: Queryable;
  readonly clock: Clock;
  readonly authenticate: Authenticator;
  readonly registry: StreamRegistry;
  readonly logger: Logger;
}

export function registerStreamRoute(app: FastifyInstance, deps: StreamRouteDeps): void {
  app.decorateRequest('streamSession', null);
  app.get(
    STREAM_PATH,
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const session = await deps.authenticate(request.headers.authorization);
        if (session === null) return sendFailure(request, reply, fail('UNAUTHENTICATED'));
        request.streamSession = session;
        request.logFields.userId = session.userId;
        return undefined;
      },
    },
    (socket, request) => {
      const session = request.streamSession;
      if (session === null) {
        socket.close(1008);
        return;
      }
      const opened = Date.now();
      let refusedFrames = 0;
      const connection = openStreamConnection(socket, session, {
        db: deps.db,
        clock: deps.clock,
        onRefusedFrame: () => (refusedFrames += 1),
      });
      deps.registry.add(connection);
      deps.logger.info({ route: STREAM_PATH, event: 'stream-open', userId: session.userId }, 'stream');
      void connection.closed.then(() =>
        deps.logger.info(
          {
            route: STREAM_PATH,
            event: 'stream-closed',
            userId: session.userId,
            durationMs: Date.now() - opened,
            refusedFrames,
          },
          'stream',
        ),
      );
    },
  );
}
