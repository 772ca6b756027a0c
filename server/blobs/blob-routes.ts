/**
 * `POST /v1/blobs` and `GET /v1/blobs/:blobId` (shared/protocol/blob-api.ts), and the compliance
 * officer's `GET /v1/compliance/blobs/:blobId` (message-hold-api.ts, `holds.manage`): raw bytes, not
 * JSON, registered beside the route table in a context of their own whose only body parser is
 * `application/octet-stream`, handed over unread so the upload streams (blob-upload.ts).
 *
 * Order of checks, for both: the bearer token and the route's access rule (route-access.ts,
 * `messages.use`) in `onRequest`, before a byte of body is read; then, for an upload, the media
 * type, the declared length against the maximum, and the owner's pending limits; then the bytes.
 * A refusal before the body is read closes the connection, so a client is not left sending a
 * hundred mebibytes nobody will read. Errors are the protocol's typed answers (error-reply.ts);
 * the request log names the route pattern, never a blob id.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BLOB_ACCESS, BLOB_CONTENT_TYPE, BLOBS_PATH } from '../../shared/protocol/blob-api';
import { COMPLIANCE_BLOB_ACCESS, COMPLIANCE_BLOBS_PATH } from '../../shared/protocol/message-hold-api';
import { COMMANDS_PENDING_HEADER, COMMANDS_PENDING_VALUE } from '../../shared/protocol/device-command-api';
import type { AuthenticatedSession } from '../accounts/session-store';
import type { Authenticator } from '../http/bearer-auth';
import { sendFailure } from '../http/error-reply';
import { routeRefusal } from '../http/route-access';
import { fail, type Failure } from '../outcome';
import { openBlob, openHeldBlob, type OpenedBlob } from './blob-download';
import { receiveBlob, type BlobDeps } from './blob-upload';

export interface BlobRouteDeps extends BlobDeps {
  readonly authenticate: Authenticator;
}

const DECLARED_LENGTH = /^[0-9]{1,16}$/;

/** The body's declared length: a number, null when it declares none (chunked), undefined when the header is unusable. */
function declaredLengthOf(request: FastifyRequest): number | null | undefined {
  const header = request.headers['content-length'];
  if (header === undefined) return null;
  return DECLARED_LENGTH.test(header) ? Number(header) : undefined;
}

/** A refusal, on a connection that is then closed rather than drained of a body nobody reads. */
function refuse(request: FastifyRequest, reply: FastifyReply, failure: Failure): FastifyReply {
  void reply.header('connection', 'close');
  return sendFailure(request, reply, failure);
}

export function registerBlobRoutes(app: FastifyInstance, deps: BlobRouteDeps): void {
  const sessions = new WeakMap<FastifyRequest, AuthenticatedSession>();
  const sessionOf = (request: FastifyRequest): AuthenticatedSession => {
    const session = sessions.get(request);
    if (session === undefined) throw new Error('blob request without a checked session');
    return session;
  };

  void app.register((scope, _options, done) => {
    // This context parses nothing: an upload's body is read by the handler as it arrives, and
    // any other media type is refused (415, answered MALFORMED_REQUEST).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(BLOB_CONTENT_TYPE, (_request, _payload, parsed) => parsed(null, undefined));

    scope.addHook('onRequest', async (request, reply) => {
      const session = await deps.authenticate(request.headers.authorization);
      if (session !== null) request.logFields.userId = session.userId;
      if (session?.commandsPending === true) void reply.header(COMMANDS_PENDING_HEADER, COMMANDS_PENDING_VALUE);
      // By the route the router matched, never the raw URL: `/v1/compliance/%62lobs/…` is the
      // compliance route to the router while its raw text starts otherwise.
      const access =
        request.routeOptions.url?.startsWith(`${COMPLIANCE_BLOBS_PATH}/`) === true
          ? COMPLIANCE_BLOB_ACCESS
          : BLOB_ACCESS;
      const refusal = routeRefusal(access, session, deps.clock());
      if (refusal === 'UNAUTHENTICATED')
        return refuse(request, reply, fail(await deps.authenticate.refusal(request.headers.authorization)));
      if (refusal !== null || session === null) return refuse(request, reply, fail(refusal ?? 'UNAUTHENTICATED'));
      sessions.set(request, session);
      return undefined;
    });

    scope.post(BLOBS_PATH, async (request, reply) => {
      const declaredLength = declaredLengthOf(request);
      if (declaredLength === undefined) return refuse(request, reply, fail('MALFORMED_REQUEST'));
      // Not drained if refused midway: the rest of the body is the client's to stop sending.
      const body = request.raw.iterator({ destroyOnReturn: false });
      const outcome = await receiveBlob(deps, sessionOf(request).userId, declaredLength, body);
      if (!outcome.ok) return refuse(request, reply, outcome);
      void reply.header('cache-control', 'no-store');
      return reply.code(200).send(outcome.value);
    });

    scope.get<{ Params: { blobId: string } }>(`${BLOBS_PATH}/:blobId`, async (request, reply) => {
      const opened = await openBlob(deps, sessionOf(request).userId, request.params.blobId);
      if (!opened.ok) return sendFailure(request, reply, opened);
      return sendBytes(reply, opened.value);
    });
    scope.get<{ Params: { blobId: string } }>(`${COMPLIANCE_BLOBS_PATH}/:blobId`, async (request, reply) => {
      const opened = await openHeldBlob(deps, request.params.blobId);
      if (!opened.ok) return sendFailure(request, reply, opened);
      return sendBytes(reply, opened.value);
    });
    done();
  });
}

function sendBytes(reply: FastifyReply, blob: OpenedBlob): FastifyReply {
  void reply.header('cache-control', 'no-store');
  void reply.header('content-length', String(blob.size));
  return reply
    .code(200)
    .type(BLOB_CONTENT_TYPE)
    .send(Readable.from(blob.chunks, { objectMode: false }));
}
