/**
 * One log line per request, from fixed fields only: route pattern (never the raw URL), method,
 * status, duration, error code and the caller's user id. Bodies, headers, names, queries and
 * tokens are never logged, so the log cannot carry PHI or credentials however verbose it is.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ProtocolErrorCode } from '../../shared/protocol/errors';

export interface RequestLogFields {
  userId?: string;
  error?: ProtocolErrorCode;
  /** For internal errors: the error's class and, for database errors, the SQLSTATE. */
  fault?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    logFields: RequestLogFields;
  }
}

export function registerRequestLog(app: FastifyInstance, logger: Logger): void {
  // Fastify wants no shared object as a decoration default; each request gets its own below.
  app.decorateRequest('logFields', null as unknown as RequestLogFields);
  app.addHook('onRequest', (request, _reply, done) => {
    request.logFields = {};
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const fields = request.logFields;
    logger.info(
      {
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime),
        ...(fields.error === undefined ? {} : { error: fields.error }),
        ...(fields.fault === undefined ? {} : { fault: fields.fault }),
        ...(fields.userId === undefined ? {} : { userId: fields.userId }),
      },
      'request',
    );
    done();
  });
}
