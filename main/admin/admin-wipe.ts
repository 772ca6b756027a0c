/**
 * Remote wipe from the Administration view in main: each channel one call of the server's wipe
 * API (shared/protocol/admin-wipe-api.ts) with the signed-in admin's session. The server signs
 * and queues the command; the workstation carries it out at its next contact
 * (main/device/device-commands.ts) and reports back, which the view reads as the command's state.
 *
 * Refused here before asking: wiping the workstation this admin is using (it would shred the
 * session they are acting from mid-action; another administrator does it from elsewhere), and
 * wiping the admin's own data, as the other self-actions are (admin-console.ts).
 */
import { appError } from '../../shared/errors';
import type { channels } from '../../shared/ipc/contract';
import type { AdminChannelName } from '../../shared/ipc/admin-channels';
import { fail } from '../../shared/ipc/result';
import type { HandlersFor } from '../ipc/router';
import type { AdminRouteCall } from './admin-route-call';

export interface AdminWipeDeps {
  readonly call: AdminRouteCall;
  /** This workstation's device id on the server; null while locked or signed out. */
  readonly deviceId: () => string | null;
  /** The signed-in admin's user id; null while locked or signed out. */
  readonly userId: () => string | null;
}

type WipeChannel = Extract<
  AdminChannelName,
  'admin.wipeWorkstation' | 'admin.wipePerson' | 'admin.workstationCommands' | 'admin.personWorkstations'
>;

export type AdminWipeHandlers = Pick<HandlersFor<typeof channels>, WipeChannel>;

const refused = () => Promise.resolve(fail(appError('NOT_PERMITTED')));

export function createAdminWipe({ call, deviceId, userId }: AdminWipeDeps): AdminWipeHandlers {
  return {
    'admin.wipeWorkstation': ({ deviceId: target, confirmName }) =>
      target === deviceId() ? refused() : call('adminWipeWorkstation', { deviceId: target, confirmName }),
    'admin.wipePerson': ({ userId: target }) =>
      target === userId() ? refused() : call('adminWipeUser', { userId: target }),
    'admin.workstationCommands': ({ deviceId: target }) => call('adminDeviceCommands', { deviceId: target }),
    'admin.personWorkstations': ({ userId: target }) => call('adminPersonWorkstations', { userId: target }),
  };
}
