/**
 * The directory's reads: people (accounts with their published fingerprint and availability) and
 * role addresses, searched by case-insensitive pattern (like-pattern.ts builds it), and role
 * members. Rows come back as the protocol's directory entries; directory-search.ts composes them.
 * Availability is read as of `now` (availability-entry.ts): an expired one reads as Available.
 */
import type { DirectoryUser } from '../../shared/protocol/api';
import type { Role } from '../../shared/access/permission-matrix';
import { availabilityEntry, type AvailabilityRow } from './availability-entry';
import type { Queryable } from '../db/database';
import type { RoleAddress } from './role-address-store';
import { ESCALATION_COLUMNS, escalationOf, type EscalationRow } from './role-escalation-store';
import type { RoleEscalationTimes } from '../../shared/protocol/escalation';

type UserRow = {
  user_id: string;
  display_name: string;
  role: Role;
  department: string;
  title: string;
  active: boolean;
  fingerprint: string | null;
} & AvailabilityRow;

type RoleRow = { address_id: string; display_name: string; department: string; description: string } & EscalationRow;

/** A role address as the directory serves it: with its own escalation times, null for the organisation's. */
export type DirectoryRoleAddress = RoleAddress & { readonly escalation: RoleEscalationTimes | null };

const USER_COLUMNS = `a.user_id, a.display_name, a.role, a.department, a.title, a.active, i.fingerprint,
  av.state AS availability_state, av.until_at AS availability_until, av.cover_user_id,
  c.display_name AS cover_display_name, c.role AS cover_role, c.active AS cover_active`;
const USERS = `accounts a LEFT JOIN identities i ON i.user_id = a.user_id
  LEFT JOIN availability av ON av.user_id = a.user_id LEFT JOIN accounts c ON c.user_id = av.cover_user_id`;

const userEntry = (row: UserRow, now: number): DirectoryUser => ({
  kind: 'user',
  userId: row.user_id,
  displayName: row.display_name,
  role: row.role,
  department: row.department,
  title: row.title,
  active: row.active,
  fingerprint: row.fingerprint,
  availability: availabilityEntry(row, now),
});

/** Role addresses whose name, department, description or id match, by name. */
export async function searchRoleAddresses(
  db: Queryable,
  pattern: string,
  limit: number,
): Promise<DirectoryRoleAddress[]> {
  const rows = await db.query<RoleRow>(
    `SELECT address_id, display_name, department, description, ${ESCALATION_COLUMNS} FROM role_addresses
     WHERE display_name ILIKE $1 OR department ILIKE $1 OR description ILIKE $1 OR address_id ILIKE $1
     ORDER BY display_name, address_id LIMIT $2`,
    [pattern, limit],
  );
  return rows.map((row) => ({
    addressId: row.address_id,
    displayName: row.display_name,
    department: row.department,
    description: row.description,
    escalation: escalationOf(row),
  }));
}

/** Active people whose name, role, department, title or id match, by name. */
export async function searchUsers(
  db: Queryable,
  pattern: string,
  limit: number,
  now: number,
): Promise<DirectoryUser[]> {
  const rows = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM ${USERS}
     WHERE a.active AND (a.display_name ILIKE $1 OR a.role ILIKE $1 OR a.department ILIKE $1 OR a.title ILIKE $1 OR a.user_id ILIKE $1)
     ORDER BY a.display_name, a.user_id LIMIT $2`,
    [pattern, limit],
  );
  return rows.map((row) => userEntry(row, now));
}

/** The active members of these role addresses, by name, each with its address. */
export async function activeMembersOf(
  db: Queryable,
  addressIds: readonly string[],
  now: number,
): Promise<{ addressId: string; user: DirectoryUser }[]> {
  const rows = await db.query<UserRow & { address_id: string }>(
    `SELECT m.address_id, ${USER_COLUMNS} FROM role_members m JOIN ${USERS} ON a.user_id = m.user_id
     WHERE m.address_id = ANY($1::text[]) AND a.active ORDER BY a.display_name, a.user_id`,
    [[...addressIds]],
  );
  return rows.map((row) => ({ addressId: row.address_id, user: userEntry(row, now) }));
}

/** These people (active or not), by id; unknown ids are left out. */
export async function usersByIds(db: Queryable, userIds: readonly string[], now: number): Promise<DirectoryUser[]> {
  const rows = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM ${USERS} WHERE a.user_id = ANY($1::text[]) ORDER BY a.user_id`,
    [[...userIds]],
  );
  return rows.map((row) => userEntry(row, now));
}
