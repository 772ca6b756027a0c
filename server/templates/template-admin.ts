/**
 * IT keeps the approved message templates: creates them, changes them and retires them (or
 * brings one back). Each change is recorded for the server's audit chain in its transaction,
 * naming the admin and the template by id (never its name or text: the trail carries ids and
 * codes). Changes are optimistic: one made from an older version than the stored one is refused
 * with CONFLICT, so two admins editing the same template never overwrite each other unseen.
 *
 * The body was checked against the template language at the route (shared/protocol/
 * template-api.ts); it is parsed again here, so nothing that reaches the table can fail to
 * parse, whichever caller stored it.
 */
import { randomUUID } from 'node:crypto';
import type { AdminTemplate } from '../../shared/protocol/template-api';
import { parseTemplate } from '../../shared/text/templates/template-language';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor, type AdminEventAction } from '../admin/admin-events';
import type { Clock } from '../clock';
import type { Database, Queryable } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import {
  insertTemplate,
  setTemplateRetired,
  updateTemplate,
  type TemplateContent,
  type VersionedChange,
} from './template-store';

export interface TemplateAdminDeps {
  readonly db: Database;
  readonly clock: Clock;
}

type Answer = Outcome<{ template: AdminTemplate }>;

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
  await recorded(tx, deps, by, action, change.done.templateId);
  return succeed({ template: change.done });
}

export async function createTemplate(
  deps: TemplateAdminDeps,
  content: TemplateContent,
  actor: string,
): Promise<Answer> {
  const by = checkedActor(actor);
  if (!parseTemplate(content.body).ok) return fail('MALFORMED_REQUEST');
  return transactionOutcome(deps.db, async (tx) => {
    const template = await insertTemplate(tx, { ...content, templateId: randomUUID(), at: deps.clock(), by });
    await recorded(tx, deps, by, 'template.created', template.templateId);
    return succeed({ template });
  });
}

export async function changeTemplate(
  deps: TemplateAdminDeps,
  change: TemplateContent & { readonly templateId: string; readonly version: number },
  actor: string,
): Promise<Answer> {
  const by = checkedActor(actor);
  if (!parseTemplate(change.body).ok) return fail('MALFORMED_REQUEST');
  return transactionOutcome(deps.db, async (tx) =>
    versioned(tx, deps, by, 'template.updated', await updateTemplate(tx, { ...change, at: deps.clock(), by })),
  );
}

export async function retireTemplate(
  deps: TemplateAdminDeps,
  change: { readonly templateId: string; readonly version: number; readonly retired: boolean },
  actor: string,
): Promise<Answer> {
  const by = checkedActor(actor);
  return transactionOutcome(deps.db, async (tx) =>
    versioned(
      tx,
      deps,
      by,
      change.retired ? 'template.retired' : 'template.restored',
      await setTemplateRetired(tx, { ...change, at: deps.clock(), by }),
    ),
  );
}
