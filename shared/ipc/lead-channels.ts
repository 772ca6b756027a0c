/**
 * A department lead's channels: whether the signed-in clinician leads a department (for the page
 * to offer its templates), and keeping that department's approved templates. Main carries each
 * to the server's lead routes (shared/protocol/lead-template-api.ts) with the session's token
 * (main/messaging/lead-templates.ts). The permission is the clinician's own, `messages.use`:
 * whether they lead a department is the server's to decide, at every request, from their account;
 * neither main nor the page decides it. Spread into the contract (contract.ts).
 */
import { z } from 'zod';
import type { Permission } from '../access/permission-matrix';
import { uuid } from '../protocol/identifiers';
import { adminTemplate, templateFields } from '../protocol/template-api';
import { ADMIN_TEMPLATE_PAGE } from './admin-channels';
import type { ChannelSpec } from './channel-spec';

const permission: Permission = 'messages.use';
const versioned = { templateId: uuid, version: z.number().int().min(1) };
const answered = z.strictObject({ template: adminTemplate });

export const leadChannels = {
  /** The department the signed-in clinician leads now, as the server says; null for none. */
  'lead.status': {
    request: z.strictObject({}),
    response: z.strictObject({ department: z.string().min(1).max(200).nullable() }),
    permission,
  },
  /** Their department's templates, active and retired, by name, a page after `after`. */
  'lead.listTemplates': {
    request: z.strictObject({ after: uuid.nullable() }),
    response: z.strictObject({ templates: z.array(adminTemplate).max(ADMIN_TEMPLATE_PAGE), more: z.boolean() }),
    permission,
  },
  /** A new template for their department (the audience's departments exactly it). */
  'lead.createTemplate': { request: z.strictObject(templateFields), response: answered, permission },
  /** A change made from `version`: CONFLICT when someone else changed the template since. */
  'lead.updateTemplate': {
    request: z.strictObject({ ...versioned, ...templateFields }),
    response: answered,
    permission,
  },
  /** Retires one of their department's templates or brings it back; CONFLICT as for a change. */
  'lead.setTemplateRetired': {
    request: z.strictObject({ ...versioned, retired: z.boolean() }),
    response: answered,
    permission,
  },
} as const satisfies Record<`lead.${string}`, ChannelSpec>;
