/**
 * The Administration view's role addresses and workstations in main: each channel one call of
 * the server's admin directory API (shared/protocol/admin-directory-api.ts) with the signed-in
 * admin's session. The router has refused every role without `admin.manage`; the server checks
 * again, and asks for a fresh re-authentication before a revocation or a role address's retention bound.
 *
 * Main knows which workstation it is: each listed workstation says whether it is this one, and
 * revoking this one is refused here (it would end the admin's own session and leave this
 * workstation unable to sign anyone in), as the server refuses it too.
 */
import { appError } from '../../shared/errors';
import type { channels } from '../../shared/ipc/contract';
import { ADMIN_DIRECTORY_PAGE, type AdminChannelName } from '../../shared/ipc/admin-channels';
import { fail, ok } from '../../shared/ipc/result';
import type { HandlersFor } from '../ipc/router';
import type { AdminRouteCall } from './admin-route-call';

export interface AdminDirectoryDeps {
  readonly call: AdminRouteCall;
  /** This workstation's device id on the server; null while locked or signed out. */
  readonly deviceId: () => string | null;
}

type DirectoryChannel = Extract<
  AdminChannelName,
  | 'admin.searchRoleAddresses'
  | 'admin.getRoleAddress'
  | 'admin.createRoleAddress'
  | 'admin.updateRoleAddress'
  | 'admin.addRoleMember'
  | 'admin.removeRoleMember'
  | 'admin.setRoleEscalation'
  | 'admin.setRoleRetention'
  | 'admin.listWorkstations'
  | 'admin.revokeWorkstation'
>;

export type AdminDirectoryHandlers = Pick<HandlersFor<typeof channels>, DirectoryChannel>;

export function createAdminDirectory({ call, deviceId }: AdminDirectoryDeps): AdminDirectoryHandlers {
  return {
    'admin.searchRoleAddresses': ({ query, after }) =>
      call('adminSearchRoleAddresses', { query, after, limit: ADMIN_DIRECTORY_PAGE }),
    'admin.getRoleAddress': ({ addressId }) => call('adminGetRoleAddress', { addressId }),
    'admin.createRoleAddress': (request) => call('adminCreateRoleAddress', request),
    'admin.updateRoleAddress': (request) => call('adminUpdateRoleAddress', request),
    'admin.addRoleMember': ({ addressId, userId }) => call('adminAddRoleMember', { addressId, userId }),
    'admin.removeRoleMember': ({ addressId, userId }) => call('adminRemoveRoleMember', { addressId, userId }),
    'admin.setRoleEscalation': ({ addressId, escalation }) => call('adminSetRoleEscalation', { addressId, escalation }),
    'admin.setRoleRetention': ({ addressId, retentionDays }) =>
      call('adminSetRoleRetention', { addressId, retentionDays }),
    'admin.listWorkstations': async ({ after }) => {
      const listed = await call('adminListWorkstations', { after, limit: ADMIN_DIRECTORY_PAGE });
      if (!listed.ok) return listed;
      const here = deviceId();
      return ok({
        workstations: listed.value.workstations.map((row) => ({ ...row, thisWorkstation: row.deviceId === here })),
        more: listed.value.more,
      });
    },
    'admin.revokeWorkstation': ({ deviceId: target }) =>
      target === deviceId()
        ? Promise.resolve(fail(appError('NOT_PERMITTED')))
        : call('adminRevokeWorkstation', { deviceId: target }),
  };
}
