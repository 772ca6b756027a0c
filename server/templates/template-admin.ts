/**
 * Changes to the approved message templates: created, changed, retired or brought back, by IT or
 * by a department lead (lead-templates.ts). Who is changing them is decided inside the change's
 * transaction by a keeper: IT may reach any template; a lead only those for exactly their own
 * department, may not make one for any other audience (OUTSIDE_DEPARTMENT), and may keep at most
 * LEAD_TEMPLATES_MAX active ones for it (TEMPLATE_LIMIT_REACHED). Each change is recorded for the
 * server's audit chain in its transaction, naming whoever made it and the template by id (never
 * its name or text: the trail carries ids and codes). Changes are optimistic: one made from an
 * older version than the stored one is refused with CONFLICT, so two people editing the same
 * template never overwrite each other unseen.
 *
 * The body was checked against the template language at the route (shared/protocol/
 * template-api.ts); it is parsed again here, so nothing that reaches the table can fail to
 * parse, whichever caller stored it.
 */
import { randomUUID } from 'node:crypto';
import { LEAD_TEMPLATES_MAX } from '../../shared/protocol/lead-template-api';
import type { AdminTemplate, TemplateAudience } from '../../shared/protocol/template-api';
import { parseTemplate } from '../../shared/text/templates/template-language';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor, type AdminEventAction } from '../admin/admin-events';
import type { Clock } from '../clock';
import type { Database, Queryable } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import {
  departmentHasRoom,
  insertTemplate,
  setTemplateRetired,
  updateTemplate,
  type TemplateContent,
  type TemplateScope,
  type VersionedChange,
} from './template-store';

export interface TemplateAdminDeps {
  readonly db: Database;
  readonly clock: Clock;
}

/**
 * Who is changing templates, decided in the change's transaction: the user id the trail names
 * and the scope their changes are held to, or a refusal (a lead who is no longer one).
 */
export type TemplateKeeper = (
  tx: Queryable,
) => Promise<Outcome<{ readonly by: string; readonly scope: TemplateScope }>>;

/** IT: any template, recorded under the admin's user id. */
export function itKeeper(actor: string): TemplateKeeper {
  const by = checkedActor(actor);
  return () => Promise.resolve(succeed({ by, scope: null }));
}

type Answer = Outcome<{ template: AdminTemplate }>;

/** Room for one more active template where the scope caps it (a lead's department); IT has no cap. */
const hasRoom = (tx: Queryable, scope: TemplateScope) =>
  scope === null ? Promise.resolve(true) : departmentHasRoom(tx, scope, LEAD_TEMPLATES_MAX);

/** An audience a change scoped to one department may give: that department, and only it. */
const withinScope = (audience: TemplateAudience, scope: TemplateScope) =>
  scope === null || (audience.departments.length === 1 && audience.departments[0] === scope);

async function recorded(tx: Queryable, deps: TemplateAdminDeps, by: string, action: AdminEventAction, id: string) {
  await recordAdminEvent(tx, { at: deps.clock(), actor: by, action, targetUserId: null, subject: id });
}

async function versioned(
  tx: Queryable,
  deps: TemplateAdminDeps,
  by: string,
  action: AdminEventAction,
  change: VersionedChange,
): Promise<Answer> {
  if (change === 'missing') return fail('NOT_FOUND');
  if (change === 'stale') return fail('CONFLICT');
  if (change === 'outside') return fail('OUTSIDE_DEPARTMENT');
  await recorded(tx, deps, by, action, change.done.templateId);
  return succeed({ template: change.done });
}

export async function createTemplate(
  deps: TemplateAdminDeps,
  content: TemplateContent,
  keeper: TemplateKeeper,
): Promise<Answer> {
  if (!parseTemplate(content.body).ok) return fail('MALFORMED_REQUEST');
  return transactionOutcome(deps.db, async (tx) => {
    const who = await keeper(tx);
    if (!who.ok) return who;
    const { by, scope } = who.value;
    if (!withinScope(content.audience, scope)) return fail('OUTSIDE_DEPARTMENT');
    if (!(await hasRoom(tx, scope))) return fail('TEMPLATE_LIMIT_REACHED');
    const template = await insertTemplate(tx, { ...content, templateId: randomUUID(), at: deps.clock(), by });
    await recorded(tx, deps, by, 'template.created', template.templateId);
    return succeed({ template });
  });
}

export async function changeTemplate(
  deps: TemplateAdminDeps,
  change: TemplateContent & { readonly templateId: string; readonly version: number },
  keeper: TemplateKeeper,
): Promise<Answer> {
  if (!parseTemplate(change.body).ok) return fail('MALFORMED_REQUEST');
  return transactionOutcome(deps.db, async (tx) => {
    const who = await keeper(tx);
    if (!who.ok) return who;
    const { by, scope } = who.value;
    if (!withinScope(change.audience, scope)) return fail('OUTSIDE_DEPARTMENT');
    const changed = await updateTemplate(tx, { ...change, at: deps.clock(), by }, scope);
    return versioned(tx, deps, by, 'template.updated', changed);
  });
}

export async function retireTemplate(
  deps: TemplateAdminDeps,
  change: { readonly templateId: string; readonly version: number; readonly retired: boolean },
  keeper: TemplateKeeper,
): Promise<Answer> {
  return transactionOutcome(deps.db, async (tx) => {
    const who = await keeper(tx);
    if (!who.ok) return who;
    const { by, scope } = who.value;
    // Bringing one back makes one more active.
    if (!change.retired && !(await hasRoom(tx, scope))) return fail('TEMPLATE_LIMIT_REACHED');
    const changed = await setTemplateRetired(tx, { ...change, at: deps.clock(), by }, scope);
    return versioned(tx, deps, by, change.retired ? 'template.retired' : 'template.restored', changed);
  });
}
