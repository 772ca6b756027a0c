/**
 * Approved message templates (shared/text/templates/template-language.ts) on the wire: IT's
 * routes to list, create, change and retire them (`/v1/admin/templates/…`, `admin.manage`, each
 * change on the server's audit chain naming the admin and the template), and the one a signed-in
 * clinician calls for the active templates meant for their role and department
 * (`messages.use`). Templates are data: a body in the template language, checked here at the
 * edge and again by the server before it is stored.
 *
 * Who a template is for: `roles` (those that send messages) and `departments` (as the directory
 * spells them); an empty list is "any". Changes are optimistic: an update or retire names the
 * version it was made from and is refused with CONFLICT when someone else changed it since.
 */
import { z } from 'zod';
import { ROLES, receivesMessages } from '../access/permission-matrix';
import { isDisplayText } from '../text/display-text';
import { parseTemplate, TEMPLATE_BODY_MAX } from '../text/templates/template-language';
import { ADMIN_PAGE_MAX } from './admin-api';
import { epochMs, userId, uuid } from './identifiers';
import type { RouteSpec } from './route-spec';

/** Most templates a list answers, and most a clinician is offered: a picker shows them all. */
export const TEMPLATES_MAX = 200;
export const TEMPLATE_NAME_MAX = 80;
export const TEMPLATE_DEPARTMENTS_MAX = 20;

const shown = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine(isDisplayText, { message: 'not plain display text' });

/** The roles a template may be for: those that send messages. */
export const TEMPLATE_ROLES = ROLES.filter(receivesMessages);
const templateRole = z.enum(ROLES).refine(receivesMessages, { message: 'a role that sends messages' });

export const templateBody = z
  .string()
  .max(TEMPLATE_BODY_MAX)
  .refine((body) => parseTemplate(body).ok, { message: 'not a valid template' });

export const templateAudience = z.strictObject({
  roles: z
    .array(templateRole)
    .max(ROLES.length)
    .refine((roles) => new Set(roles).size === roles.length, { message: 'each role once' }),
  departments: z
    .array(shown(1, 200))
    .max(TEMPLATE_DEPARTMENTS_MAX)
    .refine((departments) => new Set(departments).size === departments.length, { message: 'each department once' }),
});
export type TemplateAudience = z.infer<typeof templateAudience>;

/** What IT writes: a name for the picker, the body, and who it is for. */
export const templateFields = {
  name: shown(1, TEMPLATE_NAME_MAX),
  body: templateBody,
  audience: templateAudience,
};

/** A template as a clinician is offered it. */
export const messageTemplate = z.strictObject({
  templateId: uuid,
  version: z.number().int().min(1),
  name: z.string().max(TEMPLATE_NAME_MAX),
  body: z.string().max(TEMPLATE_BODY_MAX),
});
export type MessageTemplate = z.infer<typeof messageTemplate>;

/** A template as IT manages it: who it is for, whether it is retired, who changed it last and when. */
export const adminTemplate = messageTemplate.extend({
  audience: templateAudience,
  retired: z.boolean(),
  updatedBy: userId,
  updatedAt: epochMs,
});
export type AdminTemplate = z.infer<typeof adminTemplate>;

const versioned = { templateId: uuid, version: z.number().int().min(1) };

export const templateRoutes = {
  /** Every template, active and retired, by name, a page after `after` (a template id). */
  adminListTemplates: {
    method: 'POST',
    path: '/v1/admin/templates/list',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({ after: uuid.nullable(), limit: z.number().int().min(1).max(ADMIN_PAGE_MAX) }),
    response: z.strictObject({ templates: z.array(adminTemplate).max(ADMIN_PAGE_MAX), more: z.boolean() }),
  },
  /** A new template, active at once, version 1. */
  adminCreateTemplate: {
    method: 'POST',
    path: '/v1/admin/templates/create',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject(templateFields),
    response: z.strictObject({ template: adminTemplate }),
  },
  /** Changes a template made from `version`: CONFLICT if it changed since, NOT_FOUND if there is none. */
  adminUpdateTemplate: {
    method: 'POST',
    path: '/v1/admin/templates/update',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({ ...versioned, ...templateFields }),
    response: z.strictObject({ template: adminTemplate }),
  },
  /** Retires a template (no longer offered) or brings it back; versioned as an update. */
  adminSetTemplateRetired: {
    method: 'POST',
    path: '/v1/admin/templates/retire',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({ ...versioned, retired: z.boolean() }),
    response: z.strictObject({ template: adminTemplate }),
  },
  /** The active templates for the caller's role and department, by name. */
  listTemplates: {
    method: 'POST',
    path: '/v1/templates',
    auth: 'session',
    permission: 'messages.use',
    request: z.strictObject({}),
    response: z.strictObject({ templates: z.array(messageTemplate).max(TEMPLATES_MAX) }),
  },
} as const satisfies Record<string, RouteSpec>;
