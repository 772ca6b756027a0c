/**
 * Registers the `/v1` routes exactly as the protocol's route table lists them: method, path,
 * who may call it (route-access.ts), request schema. Each route is one handler over an already-validated
 * body; handlers answer an Outcome and never touch the reply.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routes, type RouteName, type RouteResponse } from '../../shared/protocol/api';
import type { RouteSpec } from '../../shared/protocol/route-spec';
import { CLIENT_VERSION_HEADER, clientVersionOf } from '../../shared/protocol/client-version';
import { MAX_ENVELOPE_JSON_BYTES } from '../../shared/protocol/envelope';
import { SCHEDULE_FILE_MAX_CHARS } from '../../shared/protocol/admin-schedule-api';
import { COMMANDS_PENDING_HEADER, COMMANDS_PENDING_VALUE } from '../../shared/protocol/device-command-api';
import type { AuthenticatedSession } from '../accounts/session-store';
import { fail, type Outcome } from '../outcome';
import type { Authenticator } from './bearer-auth';
import { sendFailure } from './error-reply';
import { routeRefusal } from './route-access';
import type { Clock } from '../clock';

type Spec<R extends RouteName> = (typeof routes)[R];
type AnySpec = RouteSpec;

export interface RouteContext<R extends RouteName> {
  readonly body: z.output<Spec<R>['request']>;
  readonly session: Spec<R>['auth'] extends 'session' ? AuthenticatedSession : null;
  readonly remoteAddress: string;
  /** The client's `wardline-version` header, if it sent a version (shared/protocol/client-version.ts). */
  readonly clientVersion: string | null;
  /** The answer tells the device that IT has commands waiting for it (shared/protocol/device-command-api.ts). */
  readonly commandsPending: () => void;
}

export type RouteHandler<R extends RouteName> = (context: RouteContext<R>) => Promise<Outcome<RouteResponse<R>>>;
export type RouteHandlers = { readonly [R in RouteName]: RouteHandler<R> };

/** Everything but `send`, audit batches and rota imports is small; a body over its limit is refused before it is parsed. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** `{"envelope":` + the envelope + `}`: the envelope limit plus the wrapper, checked before parsing. */
export const SEND_BODY_LIMIT = MAX_ENVELOPE_JSON_BYTES + '{"envelope":}'.length;

/** A full audit batch (AUDIT_BATCH_MAX records of a few hundred bytes each). */
export const AUDIT_BODY_LIMIT = 1024 * 1024;

/** A rota file (SCHEDULE_FILE_MAX_CHARS) as a JSON string: room for escapes and non-ASCII names. */
export const SCHEDULE_IMPORT_BODY_LIMIT = 4 * SCHEDULE_FILE_MAX_CHARS;

const BODY_LIMITS: Partial<Record<RouteName, number>> = {
  send: SEND_BODY_LIMIT,
  auditBatch: AUDIT_BODY_LIMIT,
  adminImportShifts: SCHEDULE_IMPORT_BODY_LIMIT,
};

const envelopeWrapper = z.strictObject({ envelope: z.unknown() });

/** A body the schema refused: for `send`, a well-formed request with a bad envelope says so. */
function refusalOf(name: RouteName, body: unknown) {
  return name === 'send' && envelopeWrapper.safeParse(body).success
    ? fail('ENVELOPE_INVALID')
    : fail('MALFORMED_REQUEST');
}

export function registerApiRoutes(
  app: FastifyInstance,
  handlers: RouteHandlers,
  authenticate: Authenticator,
  clock: Clock,
): void {
  for (const name of Object.keys(routes) as RouteName[]) {
    const spec: AnySpec = routes[name];
    // One loop over a union of routes: the handler and its context are paired by `name`.
    const handler = handlers[name] as (context: RouteContext<RouteName>) => Promise<Outcome<unknown>>;
    app.route({
      method: spec.method,
      url: spec.path,
      bodyLimit: BODY_LIMITS[name] ?? DEFAULT_BODY_LIMIT,
      handler: async (request, reply) => {
        const session = spec.auth === 'session' ? await authenticate(request.headers.authorization) : null;
        if (session !== null) request.logFields.userId = session.userId;
        const commandsPending = () => void reply.header(COMMANDS_PENDING_HEADER, COMMANDS_PENDING_VALUE);
        // Any answer to a session of a workstation with a wipe waiting says so, refusals too.
        if (session?.commandsPending === true) commandsPending();
        const refusal = routeRefusal(spec, session, clock());
        if (refusal === 'UNAUTHENTICATED' && spec.auth === 'session')
          // A token whose workstation IT removed says so, to the holder of the token only.
          return sendFailure(request, reply, fail(await authenticate.refusal(request.headers.authorization)));
        if (refusal !== null) return sendFailure(request, reply, fail(refusal));
        // GET routes have no body; an empty POST is the empty object.
        const body: unknown = request.body ?? {};
        const parsed = spec.request.safeParse(body);
        if (!parsed.success) return sendFailure(request, reply, refusalOf(name, body));
        const outcome = await handler({
          body: parsed.data,
          session,
          remoteAddress: request.ip,
          clientVersion: clientVersionOf(request.headers[CLIENT_VERSION_HEADER]),
          commandsPending,
        } as RouteContext<RouteName>);
        if (!outcome.ok) return sendFailure(request, reply, outcome);
        void reply.header('cache-control', 'no-store');
        return reply.code(200).send(outcome.value);
      },
    });
  }
}
