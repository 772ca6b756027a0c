/**
 * The compliance officer's legal-hold channels in main (shared/ipc/hold-channels.ts): each one
 * call of the server's hold routes with the session's token. The router has refused every role
 * without `holds.manage`; the server checks it again, and for a release a recent sign-in, whose
 * REAUTHENTICATION_REQUIRED reaches the view as that code. What a hold keeps is the server's to
 * enforce (its database triggers); main holds no hold state.
 */
import type { channels } from '../../shared/ipc/contract';
import type { holdChannels } from '../../shared/ipc/hold-channels';
import { createAdminRouteCall, type AdminRouteDeps } from '../admin/admin-route-call';
import type { HandlersFor } from '../ipc/router';

type Handlers = HandlersFor<typeof channels>;
export type MessageHoldHandlers = Pick<
  Handlers,
  Exclude<keyof typeof holdChannels, 'holds.reauthenticate' | 'holds.exportMatter'>
>;

export function createMessageHoldChannels(deps: AdminRouteDeps): MessageHoldHandlers {
  const call = createAdminRouteCall(deps);
  return {
    'holds.list': () => call('messageHolds', {}),
    'holds.place': (request) => call('placeMessageHold', request),
    'holds.release': ({ holdId }) => call('releaseMessageHold', { holdId }),
  };
}
