/**
 * The handlers of the role address and workstation admin routes
 * (shared/protocol/admin-directory-api.ts). Who may call them is decided before they run
 * (server/http/route-access.ts: `admin.manage`, and a fresh re-authentication to revoke a
 * workstation or set a role address's retention bound). Each change is recorded on the server's chain in the transaction that makes it,
 * naming the IT admin and the object; each read as a search by its result count.
 */
import type { adminDirectoryRoutes } from '../../shared/protocol/admin-directory-api';
import { DEFAULT_ESCALATION_TIMES, type RoleEscalationTimes } from '../../shared/protocol/escalation';
import { recordServed, servedEvent } from '../audit/served-events';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import {
  addRoleMember,
  createRoleAddress,
  removeRoleMember,
  updateRoleAddressDetails,
} from '../directory/role-address-admin';
import { setRoleEscalation } from '../directory/role-escalation-admin';
import { setRoleRetention } from '../directory/role-retention-admin';
import type { RouteHandlers } from '../http/api-routes';
import { fail, succeed, type Outcome } from '../outcome';
import { adminRoleAddressOf, searchAdminRoleAddresses } from './admin-role-address-store';
import { revokeWorkstation } from './workstation-admin';
import { listWorkstations } from './workstation-store';

export interface AdminDirectoryDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** Sessions were ended (a workstation revoked): fold their records soon. */
  readonly onAccountEvent?: () => void;
  /** A served or admin event was recorded: fold it soon. */
  readonly onServed?: () => void;
  /** The organisation's escalation times (server option); default DEFAULT_ESCALATION_TIMES. */
  readonly escalation?: RoleEscalationTimes;
  /** The organisation's message retention bound (server option), already checked. */
  readonly retentionDays: number;
}

type AdminDirectoryHandlers = Pick<RouteHandlers, keyof typeof adminDirectoryRoutes>;

export function createAdminDirectoryHandlers(deps: AdminDirectoryDeps): AdminDirectoryHandlers {
  const folded = <T>(outcome: Outcome<T>): Outcome<T> => {
    deps.onAccountEvent?.();
    deps.onServed?.();
    return outcome;
  };
  /** A read by IT: recorded as a search by its result count, naming the admin. */
  const recordLookup = (actor: string, resultCount: number) =>
    recordServed(
      deps.db,
      servedEvent({ at: deps.clock(), actor, action: 'search.performed', object: { kind: 'search', resultCount } }),
    );
  return {
    adminSearchRoleAddresses: async ({ body, session }) => {
      const page = await searchAdminRoleAddresses(deps.db, body);
      await recordLookup(session.userId, page.roleAddresses.length);
      return folded(succeed(page));
    },
    adminGetRoleAddress: async ({ body, session }) => {
      const roleAddress = await adminRoleAddressOf(deps.db, body.addressId, {
        escalation: deps.escalation ?? DEFAULT_ESCALATION_TIMES,
        retentionDays: deps.retentionDays,
      });
      if (roleAddress === null) return fail('NOT_FOUND');
      await recordLookup(session.userId, 1);
      return folded(succeed({ roleAddress }));
    },
    adminCreateRoleAddress: async ({ body, session }) => folded(await createRoleAddress(deps, body, session.userId)),
    adminUpdateRoleAddress: async ({ body, session }) =>
      folded(await updateRoleAddressDetails(deps, body, session.userId)),
    adminAddRoleMember: async ({ body, session }) => folded(await addRoleMember(deps, body, session.userId)),
    adminRemoveRoleMember: async ({ body, session }) => folded(await removeRoleMember(deps, body, session.userId)),
    adminSetRoleEscalation: async ({ body, session }) => folded(await setRoleEscalation(deps, body, session.userId)),
    adminSetRoleRetention: async ({ body, session }) => folded(await setRoleRetention(deps, body, session.userId)),
    adminListWorkstations: async ({ body, session }) => {
      const page = await listWorkstations(deps.db, body);
      await recordLookup(session.userId, page.workstations.length);
      return folded(succeed(page));
    },
    adminRevokeWorkstation: async ({ body, session }) => {
      // The admin's own workstation: revoking it would end this session and lock them out here.
      if (body.deviceId === session.deviceId) return fail('FORBIDDEN');
      return folded(await revokeWorkstation(deps, body.deviceId, session.userId));
    },
  };
}
