/**
 * The handlers of IT's SCIM token routes (shared/protocol/admin-scim-api.ts). Who may call them
 * is decided before they run (an IT admin; a fresh re-authentication to issue or revoke); each
 * issue and revocation is recorded naming the admin, in the transaction that takes effect
 * (server/scim/scim-tokens.ts).
 */
import type { adminScimRoutes } from '../../shared/protocol/admin-scim-api';
import type { RouteHandlers } from '../http/api-routes';
import { fail, succeed } from '../outcome';
import { issueScimToken, revokeScimTokenBy, scimTokens, type ScimTokenDeps } from '../scim/scim-tokens';

export interface AdminScimDeps extends ScimTokenDeps {
  /** An admin event was recorded (fold it soon). */
  readonly onServed?: () => void;
}

type AdminScimHandlers = Pick<RouteHandlers, keyof typeof adminScimRoutes>;

export function createAdminScimHandlers(deps: AdminScimDeps): AdminScimHandlers {
  return {
    adminIssueScimToken: async ({ body, session }) => {
      const issued = await issueScimToken(deps, body.label, session.userId);
      deps.onServed?.();
      return succeed(issued);
    },
    adminRevokeScimToken: async ({ body, session }) => {
      const revokedAt = await revokeScimTokenBy(deps, body.tokenId, session.userId);
      deps.onServed?.();
      return revokedAt === null ? fail('NOT_FOUND') : succeed({ revokedAt });
    },
    adminListScimTokens: async () => succeed({ tokens: await scimTokens(deps.db) }),
  };
}
