/**
 * The handlers of the template routes (shared/protocol/template-api.ts). Who may call them is
 * decided before they run (server/http/route-access.ts): the admin routes need `admin.manage`,
 * the clinician's list `messages.use`. Each admin change is recorded on the server's chain in
 * its transaction (template-admin.ts); an admin's list as a search by its result count. A
 * clinician's list is not recorded: it reads no patient's data, only what IT published.
 */
import { TEMPLATES_MAX, type templateRoutes } from '../../shared/protocol/template-api';
import { recordAdminLookup } from '../admin/admin-lookup';
import type { RouteHandlers } from '../http/api-routes';
import { succeed, type Outcome } from '../outcome';
import { changeTemplate, createTemplate, itKeeper, retireTemplate, type TemplateAdminDeps } from './template-admin';
import { activeTemplatesFor, templatePage } from './template-store';

export interface TemplateHandlerDeps extends TemplateAdminDeps {
  /** A served or admin event was recorded: fold it soon. */
  readonly onServed?: () => void;
}

type TemplateHandlers = Pick<RouteHandlers, keyof typeof templateRoutes>;

export function createTemplateHandlers(deps: TemplateHandlerDeps): TemplateHandlers {
  const folded = <T>(outcome: Outcome<T>): Outcome<T> => {
    deps.onServed?.();
    return outcome;
  };
  return {
    adminListTemplates: async ({ body, session }) => {
      const page = await templatePage(deps.db, body);
      await recordAdminLookup(deps, session.userId, page.templates.length);
      return folded(succeed(page));
    },
    adminCreateTemplate: async ({ body, session }) =>
      folded(await createTemplate(deps, body, itKeeper(session.userId))),
    adminUpdateTemplate: async ({ body, session }) =>
      folded(await changeTemplate(deps, body, itKeeper(session.userId))),
    adminSetTemplateRetired: async ({ body, session }) =>
      folded(await retireTemplate(deps, body, itKeeper(session.userId))),
    listTemplates: async ({ session }) =>
      succeed({ templates: await activeTemplatesFor(deps.db, session.userId, TEMPLATES_MAX) }),
  };
}
