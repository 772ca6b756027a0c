/**
 * A department lead's channels in main (shared/ipc/lead-channels.ts): each one call of the
 * server's lead routes with the signed-in clinician's session token. Main holds no idea of who
 * leads what: the server decides it at every request from the account (a lead IT cleared a
 * moment ago is refused NOT_DEPARTMENT_LEAD), and `lead.status` only passes on what it says.
 * The router has refused every role without `messages.use` and checked each body against the
 * template language; the server checks both again.
 */
import { ADMIN_TEMPLATE_PAGE } from '../../shared/ipc/admin-channels';
import type { channels } from '../../shared/ipc/contract';
import type { leadChannels } from '../../shared/ipc/lead-channels';
import { createAdminRouteCall, type AdminRouteDeps } from '../admin/admin-route-call';
import type { HandlersFor } from '../ipc/router';

export type LeadTemplateHandlers = Pick<HandlersFor<typeof channels>, keyof typeof leadChannels>;

export function createLeadTemplates(deps: AdminRouteDeps): LeadTemplateHandlers {
  // The admin channels' call: the session's token, and refusals kept as the codes the view reads.
  const call = createAdminRouteCall(deps);
  return {
    'lead.status': () => call('leadStatus', {}),
    'lead.listTemplates': ({ after }) => call('leadListTemplates', { after, limit: ADMIN_TEMPLATE_PAGE }),
    'lead.createTemplate': (template) => call('leadCreateTemplate', template),
    'lead.updateTemplate': (template) => call('leadUpdateTemplate', template),
    'lead.setTemplateRetired': (change) => call('leadSetTemplateRetired', change),
  };
}
