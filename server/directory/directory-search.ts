/**
 * The directory as clients see it: search over people and role addresses (case-insensitive
 * substrings of name, role, department, title; inactive people never appear), and key lookup
 * for named users. Role address entries list their current, active members. Availability is as
 * of `now`, the server's clock when it answers.
 */
import type { DirectoryEntry, DirectoryRole, RouteResponse } from '../../shared/protocol/api';
import type { Queryable } from '../db/database';
import { activeMembersOf, searchRoleAddresses, searchUsers, usersByIds } from './directory-store';
import { publicKeysOf } from './identity-store';
import { containsPattern } from './like-pattern';
import type { RoleAddress } from './role-address-store';

const MAX_MEMBERS = 100;

async function roleEntries(db: Queryable, addresses: readonly RoleAddress[], now: number): Promise<DirectoryRole[]> {
  if (addresses.length === 0) return [];
  const members = await activeMembersOf(
    db,
    addresses.map((address) => address.addressId),
    now,
  );
  return addresses.map((address) => ({
    kind: 'role',
    addressId: address.addressId,
    displayName: address.displayName,
    department: address.department,
    description: address.description,
    members: members
      .filter((member) => member.addressId === address.addressId)
      .slice(0, MAX_MEMBERS)
      .map((member) => member.user),
  }));
}

export async function searchDirectory(
  db: Queryable,
  query: string,
  limit: number,
  now: number,
): Promise<RouteResponse<'searchDirectory'>> {
  const pattern = containsPattern(query);
  const roles = await searchRoleAddresses(db, pattern, limit);
  const users = await searchUsers(db, pattern, limit, now);
  const entries: DirectoryEntry[] = [...(await roleEntries(db, roles, now)), ...users];
  return { entries: entries.slice(0, limit) };
}

/** Named users with their public keys (null before their first sign-in); unknown ids are left out. */
export async function lookupKeys(
  db: Queryable,
  userIds: readonly string[],
  now: number,
): Promise<RouteResponse<'lookupKeys'>> {
  const users = await usersByIds(db, userIds, now);
  const keys = await publicKeysOf(
    db,
    users.map((user) => user.userId),
  );
  return { users: users.map((user) => ({ user, publicKeys: keys.get(user.userId) ?? null })) };
}
