/**
 * The directory as clients see it: search over people and role addresses (case-insensitive
 * substrings of name, role, department, title; inactive people never appear), and key lookup
 * for named users. Role address entries list their current, active members, who of them is on
 * call now by the address's schedule, and its escalation times (its own, else the
 * organisation's). Availability is as of `now`, the server's clock when it answers.
 */
import {
  ROLE_ON_CALL_MAX,
  type DirectoryEntry,
  type DirectoryRole,
  type RouteResponse,
} from '../../shared/protocol/api';
import type { Queryable } from '../db/database';
import {
  activeMembersOf,
  searchRoleAddresses,
  searchUsers,
  usersByIds,
  type DirectoryRoleAddress,
} from './directory-store';
import { publicKeysOf } from './identity-store';
import { containsPattern } from './like-pattern';
import { shiftsCovering } from './role-shift-store';
import { DEFAULT_ESCALATION_TIMES, type RoleEscalationTimes } from '../../shared/protocol/escalation';

const MAX_MEMBERS = 100;

async function roleEntries(
  db: Queryable,
  addresses: readonly DirectoryRoleAddress[],
  now: number,
  organisation: RoleEscalationTimes,
): Promise<DirectoryRole[]> {
  if (addresses.length === 0) return [];
  const addressIds = addresses.map((address) => address.addressId);
  const members = await activeMembersOf(db, addressIds, now);
  const onCall = await shiftsCovering(db, addressIds, now);
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
    onCall: onCall
      .filter((shift) => shift.addressId === address.addressId)
      .slice(0, ROLE_ON_CALL_MAX)
      .map(({ userId, backupUserId, endsAt }) => ({ userId, backupUserId, endsAt })),
    // Its own times where IT set them, else the organisation's: the sender's client signs these.
    escalation: address.escalation ?? organisation,
  }));
}

/**
 * `now`: the server's clock, which decides who is on call; `escalation`: the organisation's
 * times, served for every address without its own.
 */
export async function searchDirectory(
  db: Queryable,
  query: string,
  limit: number,
  now: number,
  escalation: RoleEscalationTimes = DEFAULT_ESCALATION_TIMES,
): Promise<RouteResponse<'searchDirectory'>> {
  const pattern = containsPattern(query);
  const roles = await searchRoleAddresses(db, pattern, limit);
  const users = await searchUsers(db, pattern, limit, now);
  const entries: DirectoryEntry[] = [...(await roleEntries(db, roles, now, escalation)), ...users];
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
