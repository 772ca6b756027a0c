/**
 * IT makes a person lead of their own department, or clears it (`adminSetDepartmentLead`). A lead
 * keeps that department's approved templates (server/templates/lead-templates.ts). Only a person
 * with a department and a role that sends messages can be one (LEAD_NOT_ELIGIBLE); the department
 * is the one on their account now, never one IT types, so a lead can never be made for a
 * department they are not in. A real change is recorded on the server's chain in its
 * transaction, naming the admin and the person (never the department: the accounts row has it).
 */
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor, isUserId } from '../admin/admin-events';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import { clearDepartmentLead, markDepartmentLead } from './department-lead-store';

export async function setDepartmentLead(
  deps: { readonly db: Database; readonly clock: Clock },
  input: { readonly userId: string; readonly lead: boolean },
  actor: string,
): Promise<Outcome<{ changed: boolean }>> {
  const by = checkedActor(actor);
  if (!isUserId(input.userId)) return fail('NOT_FOUND');
  return transactionOutcome(deps.db, async (tx) => {
    const change = input.lead
      ? await markDepartmentLead(tx, input.userId)
      : await clearDepartmentLead(tx, input.userId);
    if (change === 'missing') return fail('NOT_FOUND');
    if (change === 'not-eligible') return fail('LEAD_NOT_ELIGIBLE');
    if (change === 'changed')
      await recordAdminEvent(tx, {
        at: deps.clock(),
        actor: by,
        action: input.lead ? 'account.lead-set' : 'account.lead-cleared',
        targetUserId: input.userId,
      });
    return succeed({ changed: change === 'changed' });
  });
}
