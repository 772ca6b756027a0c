/**
 * How a SCIM User (RFC 7643 §4.1, with the enterprise extension of §4.3) maps to a Wardline
 * account, both ways. The mapping, which server/README.md documents for IT:
 *
 * | SCIM | Wardline |
 * |---|---|
 * | `userName` | user id, trimmed and lower-cased; must then be a Wardline id, else `invalidValue` |
 * | `displayName`, else `name.formatted`, else `name.givenName name.familyName` | display name (required) |
 * | `title` | title |
 * | enterprise `department` | department |
 * | `roles[].value` | role: `nurse`, `physician`, `front-desk` or `compliance-officer` (any case) |
 * | `active` | may sign in; `false` ends every session at once |
 * | `externalId` | kept as given, returned as given |
 *
 * The role is required at creation and never changes afterwards by SCIM (a different value is
 * `mutability`): a role decides what a person may read, and the directory only proposes it once.
 * `it-admin` is never granted by SCIM, and an IT admin's account is never changed by it (403):
 * a directory sync, or whoever holds its token, must not be able to mint admins or lock IT out.
 * `password` is refused: people choose their own, with the enrollment code IT gives them.
 * Other attributes are accepted and not kept. `id` is the user id, which is never reused.
 *
 * Pure.
 */
import type { Role } from '../../shared/access/permission-matrix';
import { account as accountSchema, type Account } from '../../shared/protocol/account';
import { normalizeUserId } from '../../shared/protocol/identifiers';
import { badRequest, scimFail, scimOk, type ScimResult } from './scim-errors';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, type ScimUserInput } from './scim-schemas';

/** The roles a directory may give. */
export const SCIM_ROLES = ['nurse', 'physician', 'front-desk', 'compliance-officer'] as const satisfies Role[];
export type ScimRole = (typeof SCIM_ROLES)[number];

/** An account as SCIM shows it: the directory entry, whether it may sign in, its directory id and its times. */
export interface ScimAccount {
  readonly account: Account;
  readonly active: boolean;
  readonly externalId: string | null;
  readonly created: number;
  readonly lastModified: number;
}

/** What a User asks the account to be; `roles` as sent (distinct, lower case), checked by its use. */
export interface DesiredUser {
  readonly userId: string;
  readonly displayName: string;
  readonly title: string;
  readonly department: string;
  readonly roles: readonly string[];
  readonly active: boolean;
  readonly externalId: string | null;
}

const ADMIN_REFUSED = scimFail(403, 'The it-admin role is given only from Wardline itself, never by a directory.');
const ROLE_LIST = SCIM_ROLES.join(', ');

const trimmed = (value: string | null | undefined) => value?.trim() ?? '';

function displayNameOf(input: ScimUserInput): string {
  const given = [trimmed(input.name?.givenName), trimmed(input.name?.familyName)].filter((part) => part !== '');
  return (
    [trimmed(input.displayName), trimmed(input.name?.formatted), given.join(' ')].find((name) => name !== '') ?? ''
  );
}

/** What the User asks for, or why it cannot be read as a Wardline person. */
export function desiredUserOf(input: ScimUserInput): ScimResult<DesiredUser> {
  if (!input.schemas.includes(USER_SCHEMA)) return badRequest('invalidSyntax', `schemas must list ${USER_SCHEMA}.`);
  if (input.password !== undefined && input.password !== null)
    return badRequest('invalidValue', 'Wardline takes no password: people choose their own when they enroll.');
  const userId = normalizeUserId(input.userName);
  if (!accountSchema.shape.userId.safeParse(userId).success)
    return badRequest(
      'invalidValue',
      'userName must be a Wardline id: up to 64 of a-z, 0-9, dot, dash and underscore, starting with a letter or digit.',
    );
  const displayName = displayNameOf(input);
  if (displayName === '' || displayName.length > 200)
    return badRequest('invalidValue', 'displayName (or name) is required, at most 200 characters.');
  return scimOk({
    userId,
    displayName,
    title: trimmed(input.title),
    department: trimmed(input[ENTERPRISE_USER_SCHEMA]?.department),
    roles: [...new Set((input.roles ?? []).map((role) => role.value.trim().toLowerCase()))],
    active: input.active ?? true,
    externalId: input.externalId ?? null,
  });
}

/** The account a new person gets: exactly one role a directory may give. */
export function newAccountOf(desired: DesiredUser): ScimResult<Account> {
  if (desired.roles.includes('it-admin')) return ADMIN_REFUSED;
  const [role, ...others] = desired.roles;
  if (role === undefined) return badRequest('invalidValue', `roles: one of ${ROLE_LIST} is required.`);
  if (others.length > 0) return badRequest('invalidValue', 'roles: a person has one Wardline role.');
  if (!(SCIM_ROLES as readonly string[]).includes(role))
    return badRequest('invalidValue', `roles: one of ${ROLE_LIST}.`);
  const { userId, displayName, title, department } = desired;
  return scimOk({ userId, displayName, role: role as ScimRole, department, title });
}

/** What changes for an existing account. */
export interface AccountChanges {
  /** The new directory entry and id, or null if none of them changed. */
  readonly profile: {
    readonly displayName: string;
    readonly title: string;
    readonly department: string;
    readonly externalId: string | null;
  } | null;
  readonly active: boolean | null;
}

/** May SCIM change this account at all? Not an IT admin's. */
export function changeRefusal(current: ScimAccount): ScimResult<never> | null {
  return current.account.role === 'it-admin' ? ADMIN_REFUSED : null;
}

/** The changes the User asks of `current`, or why they are refused (nothing changes then). */
export function changesOf(current: ScimAccount, desired: DesiredUser): ScimResult<AccountChanges> {
  const refused = changeRefusal(current);
  if (refused !== null) return refused;
  if (desired.userId !== current.account.userId)
    return badRequest('mutability', 'userName cannot change: a Wardline id is never reused or renamed.');
  if (desired.roles.includes('it-admin')) return ADMIN_REFUSED;
  if (desired.roles.some((role) => role !== current.account.role))
    return badRequest('mutability', 'roles: a role is set when the account is created and never changed by SCIM.');
  const { displayName, title, department, externalId } = desired;
  const was = current.account;
  const same =
    displayName === was.displayName &&
    title === was.title &&
    department === was.department &&
    externalId === current.externalId;
  return scimOk({
    profile: same ? null : { displayName, title, department, externalId },
    active: desired.active === current.active ? null : desired.active,
  });
}

/** The path of a User (`meta.location` is the server's address and this). */
export const userPath = (userId: string) => `/scim/v2/Users/${encodeURIComponent(userId)}`;

/** The User resource for an account (RFC 7643 §4.1, §3.1 `meta`). */
export function scimUserOf(found: ScimAccount, baseUrl: string) {
  const { account } = found;
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    id: account.userId,
    ...(found.externalId === null ? {} : { externalId: found.externalId }),
    userName: account.userId,
    name: { formatted: account.displayName },
    displayName: account.displayName,
    title: account.title,
    active: found.active,
    roles: [{ value: account.role, primary: true }],
    [ENTERPRISE_USER_SCHEMA]: { department: account.department },
    meta: {
      resourceType: 'User',
      created: new Date(found.created).toISOString(),
      lastModified: new Date(found.lastModified).toISOString(),
      location: `${baseUrl}${userPath(account.userId)}`,
    },
  };
}
