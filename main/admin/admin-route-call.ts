/**
 * One call of the server's admin API with the signed-in admin's session token, answered as the
 * Administration view's typed result. Shared by every admin channel handler in main/admin/.
 *
 * Refusals keep the server's code where the view can act on it: CONFLICT (an id taken, a role
 * address full) stays CONFLICT, so does CONFIRMATION_MISMATCH (a workstation renamed since the
 * admin confirmed its name), and FORBIDDEN (an admin acting on their own account or
 * workstation) reads as NOT_PERMITTED; everything else as the rest of the app reads it.
 */
import { appErrorWithWait, appError } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import type { RouteName, RouteRequest, RouteResponse } from '../../shared/protocol/api';
import type { ApiClient, ApiError } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';

export interface AdminRouteDeps {
  /** Null when no server is configured: every call says so. */
  readonly api: ApiClient | null;
  /** The signed-in admin's server token; null while locked or signed out. */
  readonly token: () => string | null;
}

export type AdminRouteCall = <R extends RouteName>(
  route: R,
  request: RouteRequest<R>,
) => Promise<IpcResult<RouteResponse<R>>>;

/** The server's refusal as the view's typed code. */
export function adminRefusal(error: ApiError): IpcResult<never> {
  const code =
    error.code === 'CONFLICT' || error.code === 'CONFIRMATION_MISMATCH'
      ? error.code
      : error.code === 'FORBIDDEN'
        ? 'NOT_PERMITTED'
        : appCodeOf(error.code);
  return fail(appErrorWithWait(code, error.retryAfterSeconds));
}

export function createAdminRouteCall(deps: AdminRouteDeps): AdminRouteCall {
  return async (route, request) => {
    if (deps.api === null) return fail(appError('NO_SERVER_CONFIGURED'));
    const token = deps.token();
    if (token === null) return fail(appError('NOT_SIGNED_IN'));
    const answer = await deps.api.call(route, request, token);
    return answer.ok ? ok(answer.value) : adminRefusal(answer.error);
  };
}
