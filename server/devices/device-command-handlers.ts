/**
 * The handlers of remote wipe's routes: IT's (shared/protocol/admin-wipe-api.ts; `admin.manage`
 * and, to queue, a fresh re-authentication, both checked before these run by
 * server/http/route-access.ts) and the workstation's own (shared/protocol/device-command-api.ts;
 * a device proof each). Each delegates to the module that owns the concept.
 */
import { ADMIN_DEVICE_COMMANDS_MAX, type adminWipeRoutes } from '../../shared/protocol/admin-wipe-api';
import type { deviceCommandRoutes } from '../../shared/protocol/device-command-api';
import { deviceKeyOf } from '../accounts/device-store';
import { recordServed, servedEvent } from '../audit/served-events';
import type { RouteHandlers } from '../http/api-routes';
import { fail, succeed } from '../outcome';
import { fetchDeviceCommands, reportDeviceCommand } from './device-command-intake';
import { accountExists } from '../accounts/account-store';
import { commandsOfDevice, currentDeviceName, workstationsOfUser } from './device-command-store';
import { queueUserWipe, queueWorkstationWipe, type WipeQueueDeps } from './wipe-queue';

export interface DeviceCommandHandlerDeps extends WipeQueueDeps {
  /** Something was written to the server's audit outbox: fold it soon. */
  readonly onServed?: () => void;
}

type Handlers = Pick<RouteHandlers, keyof typeof adminWipeRoutes | keyof typeof deviceCommandRoutes>;

export function createDeviceCommandHandlers(deps: DeviceCommandHandlerDeps): Handlers {
  const folded = async <T>(answer: Promise<T>): Promise<T> => {
    try {
      return await answer;
    } finally {
      deps.onServed?.();
    }
  };
  /** Every admin read is recorded as a lookup by its result count, never by what it found. */
  const recordLookup = (actor: string, resultCount: number) =>
    recordServed(
      deps.db,
      servedEvent({ at: deps.clock(), actor, action: 'search.performed', object: { kind: 'search', resultCount } }),
    );
  return {
    adminWipeWorkstation: ({ body, session }) =>
      folded(
        queueWorkstationWipe(deps, { ...body, by: session.userId }).then((queued) =>
          queued.ok ? succeed({ command: queued.value }) : queued,
        ),
      ),
    adminWipeUser: ({ body, session }) =>
      folded(
        queueUserWipe(deps, { userId: body.userId, by: session.userId }).then((queued) =>
          queued.ok
            ? succeed({
                workstations: queued.value.workstations,
                commands: queued.value.commands.slice(0, ADMIN_DEVICE_COMMANDS_MAX),
              })
            : queued,
        ),
      ),
    adminPersonWorkstations: ({ body, session }) =>
      folded(
        (async () => {
          if (!(await accountExists(deps.db, body.userId))) return fail('NOT_FOUND');
          const workstations = await workstationsOfUser(deps.db, body.userId, ADMIN_DEVICE_COMMANDS_MAX);
          // A lookup of where a person's data is: recorded by its result count, like every admin read.
          await recordLookup(session.userId, workstations.length);
          return succeed({ workstations });
        })(),
      ),
    adminDeviceCommands: ({ body, session }) =>
      folded(
        (async () => {
          if ((await deviceKeyOf(deps.db, body.deviceId)) === null) return fail('NOT_FOUND');
          const commands = await commandsOfDevice(deps.db, body.deviceId, ADMIN_DEVICE_COMMANDS_MAX);
          // A read of what IT did to a workstation: recorded as a lookup by its result count.
          await recordLookup(session.userId, commands.length);
          return succeed({ deviceName: await currentDeviceName(deps.db, body.deviceId), commands });
        })(),
      ),
    fetchDeviceCommands: ({ body }) => folded(fetchDeviceCommands(deps, body)),
    reportDeviceCommand: ({ body }) => folded(reportDeviceCommand(deps, body)),
  };
}
