/**
 * Main-side IPC router, derived from the contract. Order of checks: sender frame, channel,
 * permission, size, schema; then the handler, whose answer is validated against the contract too.
 * Every failure is a typed `AppError`; no exception, stack or input text goes back to the page.
 */
import type { z } from 'zod';
import { roleHas, type Role } from '../../shared/access/permission-matrix';
import { appError, type ErrorCode } from '../../shared/errors';
import { DEFAULT_MAX_REQUEST_BYTES, type Contract } from '../../shared/ipc/contract';
import { fail, type IpcResult } from '../../shared/ipc/result';
import { isTrustedSender, type IpcSender } from './sender-check';

export interface RequestContext {
  readonly role: Role | null;
}

export type HandlersFor<C extends Contract> = {
  readonly [K in keyof C]: (
    request: z.output<C[K]['request']>,
    context: RequestContext,
  ) => Promise<IpcResult<z.input<C[K]['response']>>>;
};

/** What the router reports for diagnostics: channel and outcome code only, never payloads. */
export interface RouterLog {
  rejected(channel: string, code: ErrorCode): void;
  handlerFailed(channel: string, errorName: string): void;
}

export interface RouterOptions<C extends Contract> {
  readonly contract: C;
  readonly handlers: HandlersFor<C>;
  readonly trustedOrigin: string;
  /** Role of the signed-in user, or null when nobody is signed in. */
  readonly currentRole: () => Role | null;
  readonly log?: RouterLog;
}

export interface Router {
  dispatch(channel: unknown, payload: unknown, sender: IpcSender): Promise<IpcResult<unknown>>;
}

/** Serialized size of a payload, or null if it cannot be serialized (cycles, BigInt, ...). */
function jsonBytes(payload: unknown): number | null {
  try {
    // JSON.stringify answers undefined for undefined, functions and symbols.
    const json = JSON.stringify(payload) as string | undefined;
    return json === undefined ? null : Buffer.byteLength(json, 'utf8');
  } catch {
    return null;
  }
}

export function createRouter<C extends Contract>(options: RouterOptions<C>): Router {
  const { contract, handlers, trustedOrigin, currentRole, log } = options;
  const reject = (channel: string, code: ErrorCode) => {
    log?.rejected(channel, code);
    return fail(appError(code));
  };

  return {
    async dispatch(channel, payload, sender) {
      const channelLabel = typeof channel === 'string' ? channel.slice(0, 100) : '<non-string>';
      if (!isTrustedSender(sender, trustedOrigin)) return reject(channelLabel, 'FORBIDDEN_SENDER');
      if (typeof channel !== 'string' || !Object.hasOwn(contract, channel)) {
        return reject(channelLabel, 'UNKNOWN_CHANNEL');
      }
      const spec = contract[channel] as C[keyof C];
      const role = currentRole();
      if (spec.permission !== null) {
        if (role === null) return reject(channel, 'NOT_SIGNED_IN');
        if (!roleHas(role, spec.permission)) return reject(channel, 'NOT_PERMITTED');
      }
      const size = jsonBytes(payload);
      if (size === null) return reject(channel, 'BAD_REQUEST');
      if (size > (spec.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES)) return reject(channel, 'PAYLOAD_TOO_LARGE');
      const request = spec.request.safeParse(payload);
      if (!request.success) return reject(channel, 'BAD_REQUEST');

      const handler = handlers[channel as keyof C];
      let result: IpcResult<unknown>;
      try {
        result = await handler(request.data as z.output<C[keyof C]['request']>, { role });
      } catch (error) {
        log?.handlerFailed(channel, error instanceof Error ? error.name : typeof error);
        return fail(appError('INTERNAL'));
      }
      if (!result.ok) return result;
      const response = spec.response.safeParse(result.value);
      if (!response.success) {
        log?.handlerFailed(channel, 'ResponseContractViolation');
        return fail(appError('INTERNAL'));
      }
      return { ok: true, value: response.data };
    },
  };
}
