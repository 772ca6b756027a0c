/**
 * Accounts as SCIM reads and changes them: the directory entry, whether it may sign in, the
 * directory's `externalId`, when it was created and last changed. The last change is read from
 * what recorded it (the account and admin outboxes, both indexed by the account), so every
 * change counts, from the console or from SCIM, without a column each change must remember.
 */
import type { Role } from '../../shared/access/permission-matrix';
import type { Queryable } from '../db/database';
import type { ScimAccount } from './scim-user-mapping';

interface ScimAccountRow {
  user_id: string;
  display_name: string;
  role: Role;
  department: string;
  title: string;
  active: boolean;
  external_id: string | null;
  created_at: number | string;
  last_modified: number | string;
  [column: string]: unknown;
}

const SELECT = `SELECT a.user_id, a.display_name, a.role, a.department, a.title, a.active, a.external_id, a.created_at,
    greatest(a.created_at,
      (SELECT max(e.at) FROM account_events e WHERE e.target_user_id = a.user_id),
      (SELECT max(d.at) FROM admin_events d WHERE d.target_user_id = a.user_id)) AS last_modified
  FROM accounts a`;

const scimAccountOf = (row: ScimAccountRow): ScimAccount => ({
  account: {
    userId: row.user_id,
    displayName: row.display_name,
    role: row.role,
    department: row.department,
    title: row.title,
  },
  active: row.active,
  externalId: row.external_id,
  created: Number(row.created_at),
  lastModified: Number(row.last_modified),
});

export async function findScimAccount(db: Queryable, userId: string): Promise<ScimAccount | null> {
  const [row] = await db.query<ScimAccountRow>(`${SELECT} WHERE a.user_id = $1`, [userId]);
  return row === undefined ? null : scimAccountOf(row);
}

/**
 * The account, locked until the caller's transaction ends: two changes to one person (a
 * directory sends several at once) are decided one after the other, each on what the other left.
 */
export async function lockScimAccount(tx: Queryable, userId: string): Promise<ScimAccount | null> {
  const locked = await tx.query('SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE', [userId]);
  return locked.length === 0 ? null : findScimAccount(tx, userId);
}

/** A page of accounts in user id order (`userName`: that one only), and how many there are in all. */
export async function scimAccounts(
  db: Queryable,
  query: { readonly userName: string | null; readonly offset: number; readonly limit: number },
): Promise<{ readonly total: number; readonly accounts: ScimAccount[] }> {
  const [counted] = await db.query<{ total: number | string }>(
    'SELECT count(*) AS total FROM accounts WHERE $1::text IS NULL OR user_id = $1',
    [query.userName],
  );
  const rows =
    query.limit === 0
      ? []
      : await db.query<ScimAccountRow>(
          `${SELECT} WHERE $1::text IS NULL OR a.user_id = $1 ORDER BY a.user_id OFFSET $2 LIMIT $3`,
          [query.userName, query.offset, query.limit],
        );
  return { total: Number(counted?.total ?? 0), accounts: rows.map(scimAccountOf) };
}

/**
 * The directory entry and id SCIM keeps for an account. A move to another department clears a
 * department lead (migration 22): it ended with the move, and must not come back with a move
 * back. Answers whether it cleared one, for the trail.
 */
export async function updateScimProfile(
  tx: Queryable,
  userId: string,
  profile: { displayName: string; title: string; department: string; externalId: string | null },
): Promise<{ readonly leadCleared: boolean }> {
  const [row] = await tx.query<{ lead_cleared: boolean }>(
    `UPDATE accounts a SET display_name = $2, title = $3, department = $4, external_id = $5,
       leads_department = CASE WHEN a.department = $4 THEN a.leads_department END
     FROM (SELECT leads_department FROM accounts WHERE user_id = $1) AS was
     WHERE a.user_id = $1
     RETURNING (was.leads_department IS NOT NULL AND a.leads_department IS NULL) AS lead_cleared`,
    [userId, profile.displayName, profile.title, profile.department, profile.externalId],
  );
  return { leadCleared: row?.lead_cleared === true };
}
