/**
 * The Administration view's on-call schedules in main: each channel one call of the server's
 * schedule admin API (shared/protocol/admin-schedule-api.ts) with the signed-in admin's session.
 * The router has refused every role without `admin.manage` and checked each request's bounds
 * (a rota file's size too); the server checks again. A rota file's text passes through and is
 * never logged or kept.
 */
import { ADMIN_SHIFT_PAGE, type AdminChannelName } from '../../shared/ipc/admin-channels';
import type { channels } from '../../shared/ipc/contract';
import type { HandlersFor } from '../ipc/router';
import type { AdminRouteCall } from './admin-route-call';

type ScheduleChannel = Extract<
  AdminChannelName,
  'admin.listShifts' | 'admin.addShift' | 'admin.updateShift' | 'admin.deleteShift' | 'admin.importShifts'
>;

export type AdminScheduleHandlers = Pick<HandlersFor<typeof channels>, ScheduleChannel>;

export function createAdminSchedule({ call }: { readonly call: AdminRouteCall }): AdminScheduleHandlers {
  return {
    'admin.listShifts': ({ addressId, from, to, after }) =>
      call('adminListShifts', { addressId, from, to, after, limit: ADMIN_SHIFT_PAGE }),
    'admin.addShift': (shift) => call('adminAddShift', shift),
    'admin.updateShift': (shift) => call('adminUpdateShift', shift),
    'admin.deleteShift': ({ addressId, shiftId }) => call('adminDeleteShift', { addressId, shiftId }),
    'admin.importShifts': (request) => call('adminImportShifts', request),
  };
}
