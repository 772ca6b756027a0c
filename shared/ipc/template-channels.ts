/**
 * Message templates between renderer and main: the clinician's list (what IT approved for their
 * role and department, as main last fetched it, and whether policy restricts them to templates),
 * and the part of a send request that names a template. Spread into the contract (contract.ts);
 * IT's channels for keeping templates are admin channels (admin-channels.ts).
 *
 * A template send names the template, the version the sender saw and the values of its fields;
 * main renders the text itself from the template it holds and never takes the page's word for
 * it (main/messaging/template-send.ts).
 */
import { z } from 'zod';
import { messageTemplate, TEMPLATES_MAX } from '../protocol/template-api';
import { uuid } from '../protocol/identifiers';
import { FIELD_NAME_MAX, TEMPLATE_FIELDS_MAX, TEXT_FIELD_MAX } from '../text/templates/template-language';
import type { ChannelSpec } from './channel-spec';

/** A template and the values of its fields, as a send request names them. */
export const templateUse = z.strictObject({
  templateId: uuid,
  version: z.number().int().min(1).max(1_000_000_000),
  fields: z
    .record(
      z
        .string()
        .max(FIELD_NAME_MAX)
        .regex(/^[a-z][a-z0-9-]*$/),
      z.string().max(TEXT_FIELD_MAX + 20),
    )
    .refine((fields) => Object.keys(fields).length <= TEMPLATE_FIELDS_MAX, { message: 'too many fields' }),
});
export type TemplateUse = z.infer<typeof templateUse>;

export const templateChannels = {
  /**
   * The active templates for the signed-in clinician's role and department (asked of the server
   * the first time, then kept until the session locks; `refresh` asks again), and whether policy
   * lets this role send only templates.
   */
  'templates.list': {
    request: z.strictObject({ refresh: z.boolean().optional() }),
    response: z.strictObject({
      templates: z.array(messageTemplate).max(TEMPLATES_MAX),
      templatesOnly: z.boolean(),
    }),
    permission: 'messages.use',
  },
} as const satisfies Record<`templates.${string}`, ChannelSpec>;
