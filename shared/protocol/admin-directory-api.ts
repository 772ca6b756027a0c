/**
 * The administration API for what people are reached through and sign in at: role addresses
 * ("On-call cardiology", `/v1/admin/role-addresses/…`) and registered workstations
 * (`/v1/admin/workstations/…`). As every `/v1/admin` route: an `it-admin` session
 * (`admin.manage`), `fresh` where destructive, and each call on the server's audit chain naming
 * the IT admin and the object, in the transaction of its effect (server/admin/admin-directory-handlers.ts).
 */
import { z } from 'zod';
import { ROLES } from '../access/permission-matrix';
import { isDisplayText } from '../text/display-text';
import { ADMIN_PAGE_MAX } from './admin-api';
import { clientVersion } from './client-version';
import { roleEscalationTimes } from './escalation';
import { deviceId, epochMs, roleAddressId, userId } from './identifiers';
import { retentionDays } from './retention-days';
import type { RouteSpec } from './route-spec';

/** Most members one role address has: the directory lists them all in one entry (api.ts directoryRole). */
export const ROLE_ADDRESS_MEMBERS_MAX = 100;

/**
 * Text others will see beside a role address: trimmed, bounded, and already as the clients
 * would show it (shared/text/display-text.ts), so a control, invisible or direction-changing
 * character is refused rather than stored.
 */
export const shownText = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine(isDisplayText, { message: 'not plain display text' });

/** What IT says about a role address: its name, the department it belongs to, and what it is for. */
export const roleAddressFields = {
  displayName: shownText(1, 200),
  department: shownText(0, 200),
  description: shownText(0, 500),
};

export const adminRoleAddressSummary = z.strictObject({
  addressId: roleAddressId,
  displayName: z.string().max(200),
  department: z.string().max(200),
  description: z.string().max(500),
  memberCount: z.number().int().nonnegative(),
});
export type AdminRoleAddressSummary = z.infer<typeof adminRoleAddressSummary>;

/** A member as IT sees them: whether they may sign in is theirs, not the address's. */
export const adminRoleMember = z.strictObject({
  userId,
  displayName: z.string().max(200),
  role: z.enum(ROLES),
  active: z.boolean(),
});

export const adminRoleAddress = adminRoleAddressSummary.extend({
  members: z.array(adminRoleMember).max(ROLE_ADDRESS_MEMBERS_MAX),
  /** Its own escalation times (shared/protocol/escalation.ts); null: it follows the organisation's. */
  escalation: roleEscalationTimes.nullable(),
  /** The organisation's times (server option `escalation`), which it follows when it has none of its own. */
  organisationEscalation: roleEscalationTimes,
  /** How many days the server keeps its messages (shared/protocol/retention-days.ts); null: the organisation's. */
  retentionDays: retentionDays.nullable(),
  /** The organisation's bound (server option `messageRetentionDays`), which it follows when it has none of its own. */
  organisationRetentionDays: retentionDays,
});
export type AdminRoleAddress = z.infer<typeof adminRoleAddress>;

/** A registered workstation: its device key, the name and person of its latest sign-in, its last contact. */
export const adminWorkstation = z.strictObject({
  deviceId,
  /** The name its latest sign-in gave; null if it never completed one. */
  name: z.string().max(200).nullable(),
  registeredAt: epochMs,
  /** The latest of its sign-ins, refreshes, audit batches and session use. */
  lastContactAt: epochMs,
  lastUser: z.strictObject({ userId, displayName: z.string().max(200) }).nullable(),
  /** What the client reported in its `wardline-version` header; null until one did. */
  appVersion: clientVersion.nullable(),
  revokedAt: epochMs.nullable(),
  /**
   * When it reported a wipe of itself done with its device key destroyed: that key signs nothing
   * again (the PC registers afresh). Null if never, or if its wipe had to keep the audit log.
   */
  wipedAt: epochMs.nullable(),
});
export type AdminWorkstation = z.infer<typeof adminWorkstation>;

const forRoleAddress = z.strictObject({ addressId: roleAddressId });
const forMember = z.strictObject({ addressId: roleAddressId, userId });
/** Whether the call changed anything: a repeat, or the loser of a race, answers false and records nothing. */
const changed = z.strictObject({ changed: z.boolean() });

export const adminDirectoryRoutes = {
  /** Role addresses whose id or name contains `query` (any case), by id, a page at a time, with member counts. */
  adminSearchRoleAddresses: {
    method: 'POST',
    path: '/v1/admin/role-addresses/search',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({
      query: z.string().max(100),
      after: roleAddressId.nullable(),
      limit: z.number().int().min(1).max(ADMIN_PAGE_MAX),
    }),
    response: z.strictObject({
      roleAddresses: z.array(adminRoleAddressSummary).max(ADMIN_PAGE_MAX),
      more: z.boolean(),
    }),
  },
  /** One role address with its members, by name; NOT_FOUND if there is none. */
  adminGetRoleAddress: {
    method: 'POST',
    path: '/v1/admin/role-addresses/get',
    auth: 'session',
    permission: 'admin.manage',
    request: forRoleAddress,
    response: z.strictObject({ roleAddress: adminRoleAddress }),
  },
  /** A new role address without members; CONFLICT if the id is taken. */
  adminCreateRoleAddress: {
    method: 'POST',
    path: '/v1/admin/role-addresses/create',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({ addressId: roleAddressId, ...roleAddressFields }),
    response: z.strictObject({}),
  },
  /** Renames or re-describes a role address; its id and members stay. */
  adminUpdateRoleAddress: {
    method: 'POST',
    path: '/v1/admin/role-addresses/update',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({ addressId: roleAddressId, ...roleAddressFields }),
    response: changed,
  },
  /**
   * Makes a person a member: an existing account whose role receives messages
   * (UNKNOWN_RECIPIENT, RECIPIENT_NOT_PERMITTED otherwise), while the address has room (CONFLICT).
   */
  adminAddRoleMember: {
    method: 'POST',
    path: '/v1/admin/role-addresses/members/add',
    auth: 'session',
    permission: 'admin.manage',
    request: forMember,
    response: changed,
  },
  adminRemoveRoleMember: {
    method: 'POST',
    path: '/v1/admin/role-addresses/members/remove',
    auth: 'session',
    permission: 'admin.manage',
    request: forMember,
    response: changed,
  },
  /**
   * Sets the address's own escalation times for STAT messages (re-alert interval or none, backup
   * after, everyone after; backup before everyone, each 1 minute to 24 hours), or with null
   * returns it to the organisation's. Served in the directory from the next search on; messages
   * already sent keep the plan they were signed with. NOT_FOUND for no such address.
   */
  adminSetRoleEscalation: {
    method: 'POST',
    path: '/v1/admin/role-addresses/escalation/set',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({ addressId: roleAddressId, escalation: roleEscalationTimes.nullable() }),
    response: changed,
  },
  /**
   * Sets how many days the server keeps the messages of the address's conversations (30 to
   * 36500), or with null returns it to the organisation's bound. Applied from the next retention
   * run on: a bound shorter than before deletes what is then due, for good, so it asks for a
   * fresh re-authentication. NOT_FOUND for no such address.
   */
  adminSetRoleRetention: {
    method: 'POST',
    path: '/v1/admin/role-addresses/retention/set',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: z.strictObject({ addressId: roleAddressId, retentionDays: retentionDays.nullable() }),
    response: changed,
  },
  /** Registered workstations, the most recently heard from first, a page at a time. */
  adminListWorkstations: {
    method: 'POST',
    path: '/v1/admin/workstations/list',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({
      after: z.strictObject({ lastContactAt: epochMs, deviceId }).nullable(),
      limit: z.number().int().min(1).max(ADMIN_PAGE_MAX),
    }),
    response: z.strictObject({ workstations: z.array(adminWorkstation).max(ADMIN_PAGE_MAX), more: z.boolean() }),
  },
  /**
   * Removes a workstation for good: its key stops working at once (DEVICE_REVOKED) and every live
   * session on it ends now. Not a wipe: what it stores stays until it is wiped.
   */
  adminRevokeWorkstation: {
    method: 'POST',
    path: '/v1/admin/workstations/revoke',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: z.strictObject({ deviceId }),
    response: z.strictObject({ changed: z.boolean(), sessionsEnded: z.number().int().nonnegative() }),
  },
} as const satisfies Record<string, RouteSpec>;
