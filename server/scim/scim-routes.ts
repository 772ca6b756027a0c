/**
 * `/scim/v2`: the hospital directory's door (RFC 7644), registered beside the `/v1` protocol
 * and apart from it, with SCIM's own media type (`application/scim+json`) and error bodies.
 *
 * Order of checks, for every request: the bearer token first (`onRequest`, before the body is
 * read: a missing, unknown or revoked token is 401 whatever else the request holds), then the
 * body's size (64 KiB) and JSON (prototype keys refused, as for /v1), then its schema, then the
 * change. Logged like every request: route pattern, status and the token's actor, never a body.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { userId as userIdSchema } from '../../shared/protocol/identifiers';
import { faultOf } from '../logging/fault';
import { schemaDocuments, resourceTypes, schemas, serviceProviderConfig, userResourceType } from './scim-discovery';
import { badRequest, logCodeOf, scimErrorBody, scimFail, type ScimFailure } from './scim-errors';
import { userQueryOf } from './scim-filter';
import {
  createScimUser,
  deleteScimUser,
  patchScimUser,
  replaceScimUser,
  scimUser,
  scimUsers,
  type ScimDeps,
} from './scim-provisioning';
import { LIST_RESPONSE_SCHEMA, scimListQuery, scimPatchRequest, scimUserInput } from './scim-schemas';
import { authenticateScimToken, type ScimCaller } from './scim-tokens';
import { scimUserOf, userPath, type ScimAccount } from './scim-user-mapping';

export const SCIM_PREFIX = '/scim/v2';
/** A User is a few hundred bytes; a directory's PATCH a few kilobytes. */
export const SCIM_BODY_LIMIT = 64 * 1024;
const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8';

export interface ScimRouteDeps extends ScimDeps {
  /** The server's own address (`https://host:port`), for `meta.location`. */
  readonly baseUrl: () => string;
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  void reply.header('cache-control', 'no-store');
  return reply.code(status).type(SCIM_MEDIA_TYPE).send(body);
}

function sendFailure(request: FastifyRequest, reply: FastifyReply, failure: ScimFailure): FastifyReply {
  request.logFields.error = logCodeOf(failure.error);
  if (failure.error === 401) void reply.header('www-authenticate', 'Bearer realm="scim"');
  return send(reply, failure.error, scimErrorBody(failure));
}

/** Fastify's own refusals (bad JSON, size, media type) as SCIM errors; anything else is ours. */
function failureOfError(error: FastifyError): ScimFailure {
  const status = error.statusCode ?? 500;
  if (status === 413) return scimFail(413, 'The body is larger than 64 KiB.');
  if (status === 415) return scimFail(415, 'Send application/scim+json.');
  if (status >= 400 && status < 500) return badRequest('invalidSyntax', 'The body is not valid JSON.');
  return scimFail(500, 'Internal error.');
}

/** Why a body is not what the schema takes: the attribute's name where the schema knows it, never a value. */
function schemaFailure(error: z.ZodError): ScimFailure {
  const [issue] = error.issues;
  if (issue === undefined || issue.code === 'unrecognized_keys')
    return badRequest('invalidSyntax', 'The body has an attribute Wardline does not know.');
  const path = issue.path.filter((part) => typeof part === 'string').join('.');
  return badRequest('invalidValue', path === '' ? 'The body is not valid.' : `${path} is not valid.`);
}

export function registerScimRoutes(app: FastifyInstance, deps: ScimRouteDeps): void {
  const callers = new WeakMap<FastifyRequest, ScimCaller>();
  const callerOf = (request: FastifyRequest): ScimCaller => {
    const caller = callers.get(request);
    if (caller === undefined) throw new Error('SCIM request without a checked token');
    return caller;
  };
  const userAnswer = (reply: FastifyReply, found: ScimAccount, status = 200) => {
    if (status === 201) void reply.header('location', `${deps.baseUrl()}${userPath(found.account.userId)}`);
    return send(reply, status, scimUserOf(found, deps.baseUrl()));
  };

  void app.register(
    (scope, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        ['application/scim+json', 'application/json'],
        { parseAs: 'string', bodyLimit: SCIM_BODY_LIMIT },
        scope.getDefaultJsonParser('error', 'error'),
      );
      scope.addHook('onRequest', async (request, reply) => {
        const caller = await authenticateScimToken(deps, request.headers.authorization);
        if (caller === null)
          return sendFailure(request, reply, scimFail(401, 'A valid SCIM bearer token is required.'));
        request.logFields.userId = caller.actor;
        callers.set(request, caller);
      });
      scope.setErrorHandler((error: FastifyError, request, reply) => {
        const failure = failureOfError(error);
        if (failure.error === 500) request.logFields.fault = faultOf(error);
        return sendFailure(request, reply, failure);
      });
      scope.setNotFoundHandler((request, reply) => sendFailure(request, reply, scimFail(404, 'No such endpoint.')));

      const base = () => deps.baseUrl();
      scope.get('/ServiceProviderConfig', (_request, reply) => send(reply, 200, serviceProviderConfig(base())));
      scope.get('/ResourceTypes', (_request, reply) => send(reply, 200, resourceTypes(base())));
      scope.get<{ Params: { id: string } }>('/ResourceTypes/:id', (request, reply) =>
        request.params.id === 'User'
          ? send(reply, 200, userResourceType(base()))
          : sendFailure(request, reply, scimFail(404, 'No such resource type.')),
      );
      scope.get('/Schemas', (_request, reply) => send(reply, 200, schemas(base())));
      scope.get<{ Params: { id: string } }>('/Schemas/:id', (request, reply) => {
        const document = schemaDocuments(base()).get(request.params.id);
        return document === undefined
          ? sendFailure(request, reply, scimFail(404, 'No such schema.'))
          : send(reply, 200, document);
      });

      scope.get('/Users', async (request, reply) => {
        const query = scimListQuery.safeParse(request.query);
        if (!query.success) return sendFailure(request, reply, badRequest('invalidValue', 'The query is not valid.'));
        const filter = userQueryOf(query.data.filter);
        if (!filter.ok) return sendFailure(request, reply, filter);
        const { startIndex, count } = query.data;
        const page = await scimUsers(deps, callerOf(request), filter.value, { startIndex, count });
        return send(reply, 200, {
          schemas: [LIST_RESPONSE_SCHEMA],
          totalResults: page.total,
          startIndex,
          itemsPerPage: page.accounts.length,
          Resources: page.accounts.map((found) => scimUserOf(found, base())),
        });
      });

      scope.post('/Users', async (request, reply) => {
        const input = scimUserInput.safeParse(request.body);
        if (!input.success) return sendFailure(request, reply, schemaFailure(input.error));
        const created = await createScimUser(deps, callerOf(request), input.data);
        return created.ok ? userAnswer(reply, created.value, 201) : sendFailure(request, reply, created);
      });

      type ById = { Params: { id: string } };
      /** An id that is not a Wardline id is no User, like an unknown one. */
      const idOf = (request: FastifyRequest<ById>) =>
        userIdSchema.safeParse(request.params.id).success ? request.params.id : null;
      const noSuchUser = scimFail(404, 'No such User.');

      scope.get<ById>('/Users/:id', async (request, reply) => {
        const id = idOf(request);
        const found = id === null ? noSuchUser : await scimUser(deps, callerOf(request), id);
        return found.ok ? userAnswer(reply, found.value) : sendFailure(request, reply, found);
      });
      scope.put<ById>('/Users/:id', async (request, reply) => {
        const id = idOf(request);
        if (id === null) return sendFailure(request, reply, noSuchUser);
        const input = scimUserInput.safeParse(request.body);
        if (!input.success) return sendFailure(request, reply, schemaFailure(input.error));
        const replaced = await replaceScimUser(deps, callerOf(request), id, input.data);
        return replaced.ok ? userAnswer(reply, replaced.value) : sendFailure(request, reply, replaced);
      });
      scope.patch<ById>('/Users/:id', async (request, reply) => {
        const id = idOf(request);
        if (id === null) return sendFailure(request, reply, noSuchUser);
        const patch = scimPatchRequest.safeParse(request.body);
        if (!patch.success) return sendFailure(request, reply, schemaFailure(patch.error));
        const patched = await patchScimUser(deps, callerOf(request), id, patch.data.Operations);
        return patched.ok ? userAnswer(reply, patched.value) : sendFailure(request, reply, patched);
      });
      scope.delete<ById>('/Users/:id', async (request, reply) => {
        const id = idOf(request);
        if (id === null) return sendFailure(request, reply, noSuchUser);
        const deleted = await deleteScimUser(deps, callerOf(request), id);
        if (!deleted.ok) return sendFailure(request, reply, deleted);
        void reply.header('cache-control', 'no-store');
        return reply.code(204).send();
      });
      done();
    },
    { prefix: SCIM_PREFIX },
  );
}
