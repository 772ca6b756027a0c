/**
 * The handlers of the department lead's routes (shared/protocol/lead-template-api.ts). The route
 * table lets in any session whose role has `messages.use`; whether the caller leads a department
 * is decided in lead-templates.ts from their account row, at every request.
 */
import type { leadTemplateRoutes } from '../../shared/protocol/lead-template-api';
import { ledDepartmentOf } from '../accounts/department-lead-store';
import type { RouteHandlers } from '../http/api-routes';
import { succeed, type Outcome } from '../outcome';
import { leadChangeTemplate, leadCreateTemplate, leadRetireTemplate, leadTemplatePage } from './lead-templates';
import type { TemplateHandlerDeps } from './template-handlers';

type LeadTemplateHandlers = Pick<RouteHandlers, keyof typeof leadTemplateRoutes>;

export function createLeadTemplateHandlers(deps: TemplateHandlerDeps): LeadTemplateHandlers {
  const folded = <T>(outcome: Outcome<T>): Outcome<T> => {
    deps.onServed?.();
    return outcome;
  };
  return {
    leadStatus: async ({ session }) => succeed({ department: await ledDepartmentOf(deps.db, session.userId) }),
    leadListTemplates: async ({ body, session }) => folded(await leadTemplatePage(deps, body, session.userId)),
    leadCreateTemplate: async ({ body, session }) => folded(await leadCreateTemplate(deps, body, session.userId)),
    leadUpdateTemplate: async ({ body, session }) => folded(await leadChangeTemplate(deps, body, session.userId)),
    leadSetTemplateRetired: async ({ body, session }) => folded(await leadRetireTemplate(deps, body, session.userId)),
  };
}
