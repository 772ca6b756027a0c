/**
 * People as the Administration view lists them: directory fields, whether they may sign in,
 * whether failed sign-ins locked them out, their live sessions and when they were last seen,
 * how far they are through enrollment (a password set, an authenticator enrolled), and whether
 * they lead their department.
 */
import type { AdminAccount } from '../../shared/protocol/admin-api';
import type { Role } from '../../shared/access/permission-matrix';
import { accountThrottleKey } from '../accounts/throttle-store';
import type { Queryable } from '../db/database';

/** `text` matched literally inside a LIKE pattern: its own `%`, `_` and `\` are escaped. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of the people whose user id or display name contains `query` (any case), in user id
 * order after `after`; `more` says whether another page follows.
 */
export async function searchAdminAccounts(
  db: Queryable,
  input: { readonly query: string; readonly after: string | null; readonly limit: number; readonly now: number },
): Promise<{ accounts: AdminAccount[]; more: boolean }> {
  const rows = await db.query<{
    user_id: string;
    display_name: string;
    role: Role;
    department: string;
    title: string;
    active: boolean;
    locked: boolean;
    live_sessions: number | string;
    last_seen_at: number | string | null;
    enrolled: boolean;
    enrollment_expires_at: number | string | null;
    mfa_enrolled: boolean;
    department_lead: boolean;
  }>(
    `SELECT a.user_id, a.display_name, a.role, a.department, a.title, a.active,
       (t.locked_at IS NOT NULL) AS locked,
       (SELECT count(*) FROM sessions s WHERE s.user_id = a.user_id AND s.ended_at IS NULL
          AND s.token_expires_at > $4 AND s.max_expires_at > $4) AS live_sessions,
       (SELECT max(s.last_seen_at) FROM sessions s WHERE s.user_id = a.user_id) AS last_seen_at,
       (a.auth_key_hash IS NOT NULL) AS enrolled, e.expires_at AS enrollment_expires_at,
       (a.totp_secret IS NOT NULL) AS mfa_enrolled,
       -- A lead for a department they have since left leads nothing (department-lead-store.ts).
       COALESCE(a.leads_department = a.department, false) AS department_lead
     FROM accounts a LEFT JOIN auth_throttle t ON t.key = $5 || a.user_id
       LEFT JOIN enrollment_codes e ON e.user_id = a.user_id
     WHERE (a.user_id ILIKE $1 ESCAPE '\\' OR a.display_name ILIKE $1 ESCAPE '\\')
       AND ($2::text IS NULL OR a.user_id > $2)
     ORDER BY a.user_id LIMIT $3`,
    [containing(input.query), input.after, input.limit + 1, input.now, accountThrottleKey('')],
  );
  return {
    accounts: rows.slice(0, input.limit).map((row) => ({
      userId: row.user_id,
      displayName: row.display_name,
      role: row.role,
      department: row.department,
      title: row.title,
      active: row.active,
      locked: row.locked,
      liveSessions: Number(row.live_sessions),
      lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
      enrollment: row.enrolled ? ('enrolled' as const) : ('pending' as const),
      enrollmentExpiresAt: row.enrollment_expires_at === null ? null : Number(row.enrollment_expires_at),
      mfaEnrolled: row.mfa_enrolled,
      departmentLead: row.department_lead,
    })),
    more: rows.length > input.limit,
  };
}
