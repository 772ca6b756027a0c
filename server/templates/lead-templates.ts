/**
 * What a department lead may do with templates (shared/protocol/lead-template-api.ts): keep those
 * for exactly their own department, as IT keeps all of them (template-admin.ts does the work, held
 * to the lead's department). Whether the caller leads a department is read from their account row
 * in the change's own transaction (server/accounts/department-lead-store.ts), never from the
 * session, so IT clearing the lead or a move to another department takes effect at the next
 * request. A change is recorded exactly as IT's, naming the lead; a refusal for reaching past
 * their department (or for not leading one) is recorded too, as a failure with its code, so an
 * attempt on another department's templates shows on the trail.
 */
import type { AdminTemplate } from '../../shared/protocol/template-api';
import { recordAdminEvent } from '../admin/admin-event-store';
import { recordAdminLookup } from '../admin/admin-lookup';
import { checkedActor, type AdminEventAction } from '../admin/admin-events';
import { ledDepartmentOf } from '../accounts/department-lead-store';
import { fail, succeed, type Outcome } from '../outcome';
import {
  changeTemplate,
  createTemplate,
  retireTemplate,
  type TemplateAdminDeps,
  type TemplateKeeper,
} from './template-admin';
import { templatePage, type TemplateContent } from './template-store';

/** A lead: only their own department's templates, while they lead it. */
function leadKeeper(by: string): TemplateKeeper {
  return async (tx) => {
    const department = await ledDepartmentOf(tx, by);
    return department === null ? fail('NOT_DEPARTMENT_LEAD') : succeed({ by, scope: department });
  };
}

const SCOPE_REFUSALS: ReadonlySet<string> = new Set(['NOT_DEPARTMENT_LEAD', 'OUTSIDE_DEPARTMENT']);

type Answer = Outcome<{ template: AdminTemplate }>;

/** The change's answer, after recording it on the trail if it was refused for its scope. */
async function withRefusalRecorded(
  deps: TemplateAdminDeps,
  by: string,
  action: AdminEventAction,
  templateId: string | null,
  outcome: Answer,
): Promise<Answer> {
  if (!outcome.ok && SCOPE_REFUSALS.has(outcome.error))
    await recordAdminEvent(deps.db, {
      at: deps.clock(),
      actor: by,
      action,
      targetUserId: null,
      subject: templateId,
      outcome: 'failure',
      reason: outcome.error,
    });
  return outcome;
}

export async function leadCreateTemplate(deps: TemplateAdminDeps, content: TemplateContent, actor: string) {
  const by = checkedActor(actor);
  return withRefusalRecorded(deps, by, 'template.created', null, await createTemplate(deps, content, leadKeeper(by)));
}

export async function leadChangeTemplate(
  deps: TemplateAdminDeps,
  change: TemplateContent & { readonly templateId: string; readonly version: number },
  actor: string,
) {
  const by = checkedActor(actor);
  const outcome = await changeTemplate(deps, change, leadKeeper(by));
  return withRefusalRecorded(deps, by, 'template.updated', change.templateId, outcome);
}

export async function leadRetireTemplate(
  deps: TemplateAdminDeps,
  change: { readonly templateId: string; readonly version: number; readonly retired: boolean },
  actor: string,
) {
  const by = checkedActor(actor);
  const outcome = await retireTemplate(deps, change, leadKeeper(by));
  const action = change.retired ? 'template.retired' : 'template.restored';
  return withRefusalRecorded(deps, by, action, change.templateId, outcome);
}

/** Their department's templates, a page; the read recorded as IT's is, by its count. */
export async function leadTemplatePage(
  deps: TemplateAdminDeps,
  input: { readonly after: string | null; readonly limit: number },
  actor: string,
): Promise<Outcome<{ templates: AdminTemplate[]; more: boolean }>> {
  const department = await ledDepartmentOf(deps.db, actor);
  if (department === null) return fail('NOT_DEPARTMENT_LEAD');
  const page = await templatePage(deps.db, input, department);
  await recordAdminLookup(deps, actor, page.templates.length);
  return succeed(page);
}
