/**
 * The directory as clients see it: search over people and role addresses (case-insensitive
 * substrings of name, role, department, title; inactive people never appear), and key lookup
 * for named users. Role address entries list their current, active members.
 */
import type { DirectoryEntry, DirectoryRole, DirectoryUser, RouteResponse } from '../../shared/protocol/api';
import type { Role } from '../../shared/access/permission-matrix';
import type { Queryable } from '../db/database';
import { publicKeysOf } from './identity-store';
import { containsPattern } from './like-pattern';

const MAX_MEMBERS = 100;

type UserRow = {
  user_id: string;
  display_name: string;
  role: Role;
  department: string;
  title: string;
  active: boolean;
  fingerprint: string | null;
};

type RoleRow = { address_id: string; display_name: string; department: string; description: string };

const USER_COLUMNS = 'a.user_id, a.display_name, a.role, a.department, a.title, a.active, i.fingerprint';
const USERS = 'accounts a LEFT JOIN identities i ON i.user_id = a.user_id';

const userEntry = (row: UserRow): DirectoryUser => ({
  kind: 'user',
  userId: row.user_id,
  displayName: row.display_name,
  role: row.role,
  department: row.department,
  title: row.title,
  active: row.active,
  fingerprint: row.fingerprint,
});

async function roleEntries(db: Queryable, rows: readonly RoleRow[]): Promise<DirectoryRole[]> {
  if (rows.length === 0) return [];
  const members = await db.query<UserRow & { address_id: string }>(
    `SELECT m.address_id, ${USER_COLUMNS} FROM role_members m JOIN ${USERS} ON a.user_id = m.user_id
     WHERE m.address_id = ANY($1::text[]) AND a.active ORDER BY a.display_name, a.user_id`,
    [rows.map((row) => row.address_id)],
  );
  return rows.map((row) => ({
    kind: 'role',
    addressId: row.address_id,
    displayName: row.display_name,
    department: row.department,
    description: row.description,
    members: members
      .filter((member) => member.address_id === row.address_id)
      .slice(0, MAX_MEMBERS)
      .map(userEntry),
  }));
}

export async function searchDirectory(
  db: Queryable,
  query: string,
  limit: number,
): Promise<RouteResponse<'searchDirectory'>> {
  const pattern = containsPattern(query);
  const roles = await db.query<RoleRow>(
    `SELECT address_id, display_name, department, description FROM role_addresses
     WHERE display_name ILIKE $1 OR department ILIKE $1 OR description ILIKE $1 OR address_id ILIKE $1
     ORDER BY display_name, address_id LIMIT $2`,
    [pattern, limit],
  );
  const users = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM ${USERS}
     WHERE a.active AND (a.display_name ILIKE $1 OR a.role ILIKE $1 OR a.department ILIKE $1 OR a.title ILIKE $1 OR a.user_id ILIKE $1)
     ORDER BY a.display_name, a.user_id LIMIT $2`,
    [pattern, limit],
  );
  const entries: DirectoryEntry[] = [...(await roleEntries(db, roles)), ...users.map(userEntry)];
  return { entries: entries.slice(0, limit) };
}

/** Named users with their public keys (null before their first sign-in); unknown ids are left out. */
export async function lookupKeys(db: Queryable, userIds: readonly string[]): Promise<RouteResponse<'lookupKeys'>> {
  const rows = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM ${USERS} WHERE a.user_id = ANY($1::text[]) ORDER BY a.user_id`,
    [[...userIds]],
  );
  const keys = await publicKeysOf(
    db,
    rows.map((row) => row.user_id),
  );
  return { users: rows.map((row) => ({ user: userEntry(row), publicKeys: keys.get(row.user_id) ?? null })) };
}
