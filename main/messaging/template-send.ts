/**
 * Where a template send is made whole, and where policy's templates-only rule is enforced: in
 * main, before the identifier check and before anything is sealed. The renderer shows a form and
 * a preview, but it may be anyone's, so:
 *
 * - A request that names a template is rendered here from the template main holds (template-
 *   book.ts), at the version the sender saw, with values checked field by field
 *   (shared/text/templates/template-language.ts). The request's text must be exactly that
 *   rendering: what the sender saw is what goes, and a page that forged other text is refused.
 *   Unknown, retired or changed: TEMPLATE_UNAVAILABLE. Values that do not fit: BAD_REQUEST.
 * - A role policy restricts to templates (`templatesOnlyRoles`) sends nothing else: free text, a
 *   reply or a subject is refused with TEMPLATES_ONLY. Acknowledgements with a quick reply are
 *   not sends and are not touched.
 *
 * The template's id goes on the trail with the message (compose.ts: `template.used`), never the
 * values filled in.
 */
import { appError } from '../../shared/errors';
import type { SendRequest } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { parseTemplate, renderTemplate } from '../../shared/text/templates/template-language';
import type { TemplateBook } from './template-book';

/** The request as it will be sent (its text main's own rendering), and the template it came from. */
export interface ResolvedSend {
  readonly request: SendRequest;
  readonly templateId: string | null;
}

export type TemplateSend = (request: SendRequest) => Promise<IpcResult<ResolvedSend>>;

export function createTemplateSend(deps: {
  readonly book: Pick<TemplateBook, 'find'>;
  /** Machine policy restricts this clinician's role to templates. */
  readonly templatesOnly: boolean;
}): TemplateSend {
  return async (request) => {
    const use = request.template;
    if (use === undefined)
      return deps.templatesOnly ? fail(appError('TEMPLATES_ONLY')) : ok({ request, templateId: null });
    if (deps.templatesOnly && 'title' in request && request.title !== null) return fail(appError('TEMPLATES_ONLY'));
    const found = await deps.book.find(use.templateId, use.version);
    if (!found.ok) return found;
    const parsed = found.value === null ? null : parseTemplate(found.value.body);
    if (parsed === null || !parsed.ok) return fail(appError('TEMPLATE_UNAVAILABLE'));
    const rendered = renderTemplate(parsed.value, use.fields);
    if (!rendered.ok || rendered.value !== request.text) return fail(appError('BAD_REQUEST'));
    return ok({ request: { ...request, text: rendered.value }, templateId: use.templateId });
  };
}
