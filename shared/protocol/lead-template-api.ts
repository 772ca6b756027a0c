/**
 * Department leads keep their own department's approved templates (`/v1/lead/…`). A lead is a
 * clinician IT marked lead of the department on their account (`adminSetDepartmentLead`); the
 * routes need `messages.use` like any clinician's, and the server then checks, at every request
 * and from the account row (never from the session), that the caller leads a department now:
 * NOT_DEPARTMENT_LEAD if not.
 *
 * A lead's templates are those whose audience departments are exactly their own department; the
 * roles are theirs to choose among those that send messages. Anything else is OUTSIDE_DEPARTMENT:
 * a template IT keeps for everyone or for other departments, or a change that would name another
 * department (or none, which means every department). Bodies, names and versions are checked as
 * IT's are (template-api.ts): a change from an old version is CONFLICT, one to no template
 * NOT_FOUND. Each change is on the server's audit chain exactly as IT's is, naming the lead.
 */
import { z } from 'zod';
import { ADMIN_PAGE_MAX } from './admin-api';
import { uuid } from './identifiers';
import type { RouteSpec } from './route-spec';
import { adminTemplate, templateFields } from './template-api';

/**
 * Most active templates a department's lead may keep for it: enough for any ward's sentences,
 * and few enough that a lead cannot crowd IT's out of the picker (which offers TEMPLATES_MAX).
 * Creating or bringing back one past it is TEMPLATE_LIMIT_REACHED.
 */
export const LEAD_TEMPLATES_MAX = 50;

const versioned = { templateId: uuid, version: z.number().int().min(1) };
const answered = z.strictObject({ template: adminTemplate });

export const leadTemplateRoutes = {
  /** The department the caller leads now, or null: whether the app offers them their templates. */
  leadStatus: {
    method: 'POST',
    path: '/v1/lead/status',
    auth: 'session',
    permission: 'messages.use',
    request: z.strictObject({}),
    response: z.strictObject({ department: z.string().min(1).max(200).nullable() }),
  },
  /** Their department's templates, active and retired, by name, a page after `after` (a template id). */
  leadListTemplates: {
    method: 'POST',
    path: '/v1/lead/templates/list',
    auth: 'session',
    permission: 'messages.use',
    request: z.strictObject({ after: uuid.nullable(), limit: z.number().int().min(1).max(ADMIN_PAGE_MAX) }),
    response: z.strictObject({ templates: z.array(adminTemplate).max(ADMIN_PAGE_MAX), more: z.boolean() }),
  },
  /** A new template for their department: `audience.departments` must be exactly it. */
  leadCreateTemplate: {
    method: 'POST',
    path: '/v1/lead/templates/create',
    auth: 'session',
    permission: 'messages.use',
    request: z.strictObject(templateFields),
    response: answered,
  },
  /** Changes one of their department's templates made from `version`; the audience stays their department. */
  leadUpdateTemplate: {
    method: 'POST',
    path: '/v1/lead/templates/update',
    auth: 'session',
    permission: 'messages.use',
    request: z.strictObject({ ...versioned, ...templateFields }),
    response: answered,
  },
  /** Retires one of their department's templates or brings it back; versioned as an update. */
  leadSetTemplateRetired: {
    method: 'POST',
    path: '/v1/lead/templates/retire',
    auth: 'session',
    permission: 'messages.use',
    request: z.strictObject({ ...versioned, retired: z.boolean() }),
    response: answered,
  },
} as const satisfies Record<string, RouteSpec>;
