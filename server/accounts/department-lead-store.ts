/**
 * Department leads in the accounts table (migration 22): SQL only. Who may mark one and what is
 * recorded is department-lead.ts's; what a lead may do with templates is
 * server/templates/lead-templates.ts's.
 *
 * `leads_department` holds the department the person was made lead of, and the power holds only
 * while it is still the department on their account, they are active, and their role sends
 * messages: read here at every request, never from a session.
 */
import { ROLES, receivesMessages } from '../../shared/access/permission-matrix';
import type { Queryable } from '../db/database';

/** The roles a lead may have: those that send messages (and so use templates). */
const MESSAGING_ROLES = ROLES.filter(receivesMessages);

/**
 * The department this person leads now, or null. The account row is share-locked until the
 * caller's transaction ends, so IT clearing the lead (an UPDATE of the row) waits for a change the
 * lead is making, and a change begun after IT's cleared it sees it cleared: none slips in between.
 */
export async function ledDepartmentOf(tx: Queryable, userId: string): Promise<string | null> {
  const [row] = await tx.query<{ department: string }>(
    `SELECT department FROM accounts
     WHERE user_id = $1 AND active AND leads_department = department AND role = ANY($2::text[])
     FOR SHARE`,
    [userId, MESSAGING_ROLES],
  );
  return row?.department ?? null;
}

/** What marking or clearing a lead did: changed, already so, refused for the account, or no such account. */
export type LeadChange = 'changed' | 'unchanged' | 'not-eligible' | 'missing';

/**
 * Makes the person lead of the department on their account. Only someone with a department and a
 * role that sends messages; compared in the UPDATE itself, so of concurrent marks one changes it.
 */
export async function markDepartmentLead(tx: Queryable, userId: string): Promise<LeadChange> {
  const changed = await tx.query(
    `UPDATE accounts SET leads_department = department
     WHERE user_id = $1 AND department <> '' AND role = ANY($2::text[])
       AND leads_department IS DISTINCT FROM department
     RETURNING user_id`,
    [userId, MESSAGING_ROLES],
  );
  if (changed.length === 1) return 'changed';
  const [found] = await tx.query<{ eligible: boolean }>(
    `SELECT (department <> '' AND role = ANY($2::text[])) AS eligible FROM accounts WHERE user_id = $1`,
    [userId, MESSAGING_ROLES],
  );
  if (found === undefined) return 'missing';
  return found.eligible ? 'unchanged' : 'not-eligible';
}

/** The person leads no department any more (a lead for a department they left is cleared too). */
export async function clearDepartmentLead(tx: Queryable, userId: string): Promise<Exclude<LeadChange, 'not-eligible'>> {
  const changed = await tx.query(
    'UPDATE accounts SET leads_department = NULL WHERE user_id = $1 AND leads_department IS NOT NULL RETURNING user_id',
    [userId],
  );
  if (changed.length === 1) return 'changed';
  const found = await tx.query('SELECT 1 FROM accounts WHERE user_id = $1', [userId]);
  return found.length === 1 ? 'unchanged' : 'missing';
}
