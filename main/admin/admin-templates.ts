/**
 * The Administration view's message templates in main: each channel one call of the server's
 * template admin API (shared/protocol/template-api.ts) with the signed-in admin's session. The
 * router has refused every role without `admin.manage` and checked each body against the
 * template language; the server checks both again. A stale change answers CONFLICT, which the
 * view reads as "someone else changed it".
 */
import { ADMIN_TEMPLATE_PAGE, type AdminChannelName } from '../../shared/ipc/admin-channels';
import type { channels } from '../../shared/ipc/contract';
import type { HandlersFor } from '../ipc/router';
import type { AdminRouteCall } from './admin-route-call';

type TemplateChannel = Extract<
  AdminChannelName,
  'admin.listTemplates' | 'admin.createTemplate' | 'admin.updateTemplate' | 'admin.setTemplateRetired'
>;

export type AdminTemplateHandlers = Pick<HandlersFor<typeof channels>, TemplateChannel>;

export function createAdminTemplates({ call }: { readonly call: AdminRouteCall }): AdminTemplateHandlers {
  return {
    'admin.listTemplates': ({ after }) => call('adminListTemplates', { after, limit: ADMIN_TEMPLATE_PAGE }),
    'admin.createTemplate': (template) => call('adminCreateTemplate', template),
    'admin.updateTemplate': (template) => call('adminUpdateTemplate', template),
    'admin.setTemplateRetired': (change) => call('adminSetTemplateRetired', change),
  };
}
