/**
 * Every error response: `{ error: <code>, retryAfterSeconds?, subjects? }` with the code's HTTP status,
 * including the ones Fastify produces itself before any route runs (bad JSON, wrong content
 * type, a body over the route's limit) and unknown routes.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { httpStatusOf, type ErrorResponse } from '../../shared/protocol/errors';
import { fail, type Failure } from '../outcome';
import { faultOf } from '../logging/fault';

export function sendFailure(request: FastifyRequest, reply: FastifyReply, failure: Failure): FastifyReply {
  request.logFields.error = failure.error;
  const body: ErrorResponse = {
    error: failure.error,
    ...(failure.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failure.retryAfterSeconds }),
    ...(failure.subjects === undefined ? {} : { subjects: [...failure.subjects] }),
  };
  if (failure.retryAfterSeconds !== undefined) void reply.header('retry-after', String(failure.retryAfterSeconds));
  return reply.code(httpStatusOf(failure.error)).send(body);
}

/** Fastify's own client errors carry a 4xx status; anything else is ours and internal. */
export function failureOfError(error: Pick<FastifyError, 'statusCode'>): Failure {
  const status = error.statusCode ?? 500;
  if (status === 413) return fail('PAYLOAD_TOO_LARGE');
  if (status >= 400 && status < 500) return fail('MALFORMED_REQUEST');
  return fail('INTERNAL');
}

export function registerErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const failure = failureOfError(error);
    if (failure.error === 'INTERNAL') request.logFields.fault = faultOf(error);
    return sendFailure(request, reply, failure);
  });
  app.setNotFoundHandler((request, reply) => sendFailure(request, reply, fail('NOT_FOUND')));
}
