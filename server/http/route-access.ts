/**
 * Who may call a route, in one place: the rule every route of the protocol's table passes before
 * its handler runs (api-routes.ts). A route that needs a session needs a live one; a route with a
 * `permission` needs a session whose role has it (so every `/v1/admin` route refuses nurses,
 * physicians, front desk and compliance officers alike); a `fresh` route needs a session that
 * proved its person within the re-authentication window, so a token left on an unlocked PC, or
 * stolen, cannot wipe or deactivate anyone by itself.
 */
import { roleHas } from '../../shared/access/permission-matrix';
import type { ProtocolErrorCode } from '../../shared/protocol/errors';
import { REAUTHENTICATION_WINDOW_MS, type RouteSpec } from '../../shared/protocol/route-spec';
import type { AuthenticatedSession } from '../accounts/session-store';

export function routeRefusal(
  spec: Pick<RouteSpec, 'auth' | 'permission' | 'fresh'>,
  session: AuthenticatedSession | null,
  now: number,
): ProtocolErrorCode | null {
  if (spec.auth === 'none') return null;
  if (session === null) return 'UNAUTHENTICATED';
  if (spec.permission !== undefined && !roleHas(session.role, spec.permission)) return 'FORBIDDEN';
  // A proof from the future (a clock stepped back) is no proof of now.
  const since = now - session.authenticatedAt;
  if (spec.fresh === true && (since > REAUTHENTICATION_WINDOW_MS || since < 0)) return 'REAUTHENTICATION_REQUIRED';
  return null;
}
