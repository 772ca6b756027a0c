/**
 * Typed HTTPS client for the server's `/v1` API. Requests are checked against the protocol
 * schemas before they leave and every answer is validated before anyone uses it, so a
 * misbehaving server yields `BAD_RESPONSE`, not a crash or a half-read object.
 */
import https from 'node:https';
import { routes, type RouteName, type RouteRequest, type RouteResponse } from '../../shared/protocol/api';
import { CLIENT_VERSION_HEADER } from '../../shared/protocol/client-version';
import { errorResponse, type ProtocolErrorCode } from '../../shared/protocol/errors';
import { appVersion } from '../core/app-version';
import { COMMANDS_PENDING_HEADER, COMMANDS_PENDING_VALUE } from '../../shared/protocol/device-command-api';
import { TLS_OPTIONS } from '../../shared/protocol/tls-policy';
import { classifyTransportError, type ServerEndpoint } from './server-endpoint';
import type { Result } from '../../shared/result';

export type ApiErrorCode = ProtocolErrorCode | 'UNREACHABLE' | 'UNTRUSTED' | 'BAD_RESPONSE';

export interface ApiError {
  readonly code: ApiErrorCode;
  readonly retryAfterSeconds?: number;
  /** The user ids the server's refusal is about (RECIPIENT_NOT_PERMITTED). */
  readonly subjects?: readonly string[];
}

export type ApiResult<T> = Result<T, ApiError>;

export interface ApiClient {
  call<R extends RouteName>(
    route: R,
    request: RouteRequest<R>,
    token?: string | null,
  ): Promise<ApiResult<RouteResponse<R>>>;
  /** Ends kept-alive connections. */
  close(): void;
}

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;

export interface ApiClientOptions {
  readonly timeoutMs?: number;
  /** An answer said IT has commands waiting for this workstation (main/device/device-commands.ts). */
  readonly onCommandsPending?: () => void;
}

export function createApiClient(endpoint: ServerEndpoint, options: ApiClientOptions = {}): ApiClient {
  const base = new URL(endpoint.url);
  // Kept alive: a clinician's sends and receipts reuse one TLS connection instead of a handshake each.
  const agent = new https.Agent({ ca: endpoint.caPem, keepAlive: true, ...TLS_OPTIONS, maxSockets: 8 });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  function send(method: 'GET' | 'POST', path: string, body: string | null, token: string | null) {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== null) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      if (token) headers.authorization = `Bearer ${token}`;
      // Which release this is, for IT's list of workstations (shared/protocol/client-version.ts).
      headers[CLIENT_VERSION_HEADER] = appVersion();
      const request = https.request(
        {
          protocol: 'https:',
          hostname: base.hostname,
          port: base.port,
          path,
          method,
          headers,
          agent,
          timeout: timeoutMs,
        },
        (response) => {
          if (response.headers[COMMANDS_PENDING_HEADER] === COMMANDS_PENDING_VALUE) options.onCommandsPending?.();
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              request.destroy(Object.assign(new Error('response too large'), { code: 'RESPONSE_TOO_LARGE' }));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
      request.end(body ?? undefined);
    });
  }

  return {
    async call(route, request, token = null) {
      const spec = routes[route];
      const checked = spec.request.safeParse(request);
      // Our own bug, not the server's: never send what the protocol does not allow.
      if (!checked.success) return { ok: false, error: { code: 'MALFORMED_REQUEST' } };
      let answer: { status: number; text: string };
      try {
        answer = await send(spec.method, spec.path, spec.method === 'GET' ? null : JSON.stringify(checked.data), token);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'RESPONSE_TOO_LARGE')
          return { ok: false, error: { code: 'BAD_RESPONSE' } };
        return { ok: false, error: { code: classifyTransportError(error) } };
      }
      let json: unknown;
      try {
        json = JSON.parse(answer.text);
      } catch {
        return { ok: false, error: { code: answer.status >= 500 ? 'UNAVAILABLE' : 'BAD_RESPONSE' } };
      }
      if (answer.status >= 200 && answer.status < 300) {
        const parsed = spec.response.safeParse(json);
        return parsed.success
          ? { ok: true, value: parsed.data as RouteResponse<typeof route> }
          : { ok: false, error: { code: 'BAD_RESPONSE' } };
      }
      const failure = errorResponse.safeParse(json);
      if (!failure.success)
        return { ok: false, error: { code: answer.status >= 500 ? 'UNAVAILABLE' : 'BAD_RESPONSE' } };
      const { error: code, retryAfterSeconds, subjects } = failure.data;
      return {
        ok: false,
        error: {
          code,
          ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
          ...(subjects === undefined ? {} : { subjects }),
        },
      };
    },
    close() {
      agent.destroy();
    },
  };
}
