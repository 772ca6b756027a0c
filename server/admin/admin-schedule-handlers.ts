/**
 * The handlers of the on-call schedule admin routes (shared/protocol/admin-schedule-api.ts). Who
 * may call them is decided before they run (server/http/route-access.ts: `admin.manage`, as for
 * every role address route). Each change is recorded on the server's chain in the transaction
 * that makes it (server/directory/role-shift-admin.ts); each list as a search by its result
 * count. Nothing here logs: a rota file's text reaches no log and no error.
 */
import type { adminScheduleRoutes } from '../../shared/protocol/admin-schedule-api';
import { recordServed, servedEvent } from '../audit/served-events';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { roleAddressExists } from '../directory/role-address-store';
import { addShift, changeShift, importShifts, removeShift } from '../directory/role-shift-admin';
import { shiftsInWindow } from '../directory/role-shift-store';
import type { RouteHandlers } from '../http/api-routes';
import { fail, succeed, type Outcome } from '../outcome';

export interface AdminScheduleDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** A served or admin event was recorded: fold it soon. */
  readonly onServed?: () => void;
}

type AdminScheduleHandlers = Pick<RouteHandlers, keyof typeof adminScheduleRoutes>;

export function createAdminScheduleHandlers(deps: AdminScheduleDeps): AdminScheduleHandlers {
  const folded = <T>(outcome: Outcome<T>): Outcome<T> => {
    deps.onServed?.();
    return outcome;
  };
  return {
    adminListShifts: async ({ body, session }) => {
      if (!(await roleAddressExists(deps.db, body.addressId))) return fail('NOT_FOUND');
      const page = await shiftsInWindow(deps.db, body);
      await recordServed(
        deps.db,
        servedEvent({
          at: deps.clock(),
          actor: session.userId,
          action: 'search.performed',
          object: { kind: 'search', resultCount: page.shifts.length },
        }),
      );
      return folded(succeed(page));
    },
    adminAddShift: async ({ body, session }) => folded(await addShift(deps, body, session.userId)),
    adminUpdateShift: async ({ body, session }) => folded(await changeShift(deps, body, session.userId)),
    adminDeleteShift: async ({ body, session }) => folded(await removeShift(deps, body, session.userId)),
    adminImportShifts: async ({ body, session }) => folded(await importShifts(deps, body, session.userId)),
  };
}
