/**
 * What a SCIM request does to Wardline's accounts (the mapping is scim-user-mapping.ts'). A new
 * person is an account pending enrollment with no code: nobody can sign in to it until IT issues
 * their enrollment code from the console (`adminIssueEnrollment`). `active: false` deactivates
 * exactly as the console does (every session ends at once, streams are told why); DELETE does the
 * same, since Wardline never deletes an account (the trail names people by id).
 *
 * Every change, and everything it records, is one transaction holding the account's row: the
 * actor is the token's (`scim-<token id>`). A person IT deactivated from the console is not
 * reactivated by the directory (403): a sync cycle must not undo what IT did in an incident.
 * Lookups are recorded too, as searches by the token with their result count.
 */
import { isScimTokenActor } from '../../shared/protocol/identifiers';
import { deactivateWithin, reactivateWithin } from '../accounts/account-admin';
import { insertPendingAccount } from '../accounts/account-enrollment';
import { lastDeactivatedBy } from '../accounts/account-event-store';
import { recordAdminEvent } from '../admin/admin-event-store';
import { recordServed, servedEvent } from '../audit/served-events';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { UserQuery } from './scim-filter';
import { badRequest, scimFail, scimOk, type ScimResult } from './scim-errors';
import { patchedUser } from './scim-patch-request';
import { scimUserInput, type PatchOperation, type ScimUserInput } from './scim-schemas';
import type { ScimCaller } from './scim-tokens';
import {
  changeRefusal,
  changesOf,
  desiredUserOf,
  newAccountOf,
  scimUserOf,
  type AccountChanges,
  type ScimAccount,
} from './scim-user-mapping';
import { findScimAccount, lockScimAccount, scimAccounts, updateScimProfile } from './scim-user-store';

export interface ScimDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** The client KDF cost the person's password will be derived with. */
  readonly kdf: { readonly memoryMiB: number; readonly passes: number };
  /** Something was recorded for the server's chain: fold it soon. */
  readonly onRecorded?: () => void;
}

const NO_SUCH_USER = scimFail(404, 'No such User.');

export async function createScimUser(
  deps: ScimDeps,
  caller: ScimCaller,
  input: ScimUserInput,
): Promise<ScimResult<ScimAccount>> {
  const desired = desiredUserOf(input);
  if (!desired.ok) return desired;
  const account = newAccountOf(desired.value);
  if (!account.ok) return account;
  const { userId, externalId, active } = desired.value;
  const created = await deps.db.transaction(async (tx) => {
    const at = deps.clock();
    if (!(await insertPendingAccount(tx, deps, account.value, caller.actor, at))) return null;
    if (externalId !== null) await updateScimProfile(tx, userId, { ...account.value, externalId });
    if (!active) await deactivateWithin(tx, userId, caller.actor, at);
    return findScimAccount(tx, userId);
  });
  if (created !== null) deps.onRecorded?.();
  // Taken by anyone, active or not, SCIM's or the console's: ids are never reused.
  return created === null ? scimFail(409, 'That userName is taken.', 'uniqueness') : scimOk(created);
}

/** PUT: the User as sent replaces what SCIM keeps (the role and id cannot change). */
export function replaceScimUser(deps: ScimDeps, caller: ScimCaller, userId: string, input: ScimUserInput) {
  return changeAccount(deps, caller, userId, (current) => {
    const desired = desiredUserOf(input);
    return desired.ok ? changesOf(current, desired.value) : desired;
  });
}

/** PATCH: the operations applied to the User as it is, then taken as a PUT of the result. */
export function patchScimUser(
  deps: ScimDeps,
  caller: ScimCaller,
  userId: string,
  operations: readonly PatchOperation[],
) {
  return changeAccount(deps, caller, userId, (current) => {
    const patched = patchedUser(scimUserOf(current, ''), operations);
    if (!patched.ok) return patched;
    const input = scimUserInput.safeParse(patched.value);
    if (!input.success) return badRequest('invalidValue', 'The User the operations leave is not valid.');
    const desired = desiredUserOf(input.data);
    return desired.ok ? changesOf(current, desired.value) : desired;
  });
}

/** DELETE: deactivation (an account is never deleted); deleting a deactivated person changes nothing. */
export function deleteScimUser(deps: ScimDeps, caller: ScimCaller, userId: string) {
  return changeAccount(
    deps,
    caller,
    userId,
    (current) => changeRefusal(current) ?? scimOk({ profile: null, active: current.active ? false : null }),
  );
}

async function changeAccount(
  deps: ScimDeps,
  caller: ScimCaller,
  userId: string,
  decide: (current: ScimAccount) => ScimResult<AccountChanges>,
): Promise<ScimResult<ScimAccount>> {
  const outcome = await deps.db.transaction(async (tx): Promise<ScimResult<ScimAccount>> => {
    const current = await lockScimAccount(tx, userId);
    if (current === null) return NO_SUCH_USER;
    const changes = decide(current);
    if (!changes.ok) return changes;
    const { profile, active } = changes.value;
    if (active === true) {
      const by = await lastDeactivatedBy(tx, userId);
      if (by !== null && !isScimTokenActor(by))
        return scimFail(403, 'Deactivated in Wardline by IT: only IT can reactivate this person, from Wardline.');
    }
    const at = deps.clock();
    if (profile !== null) {
      const { leadCleared } = await updateScimProfile(tx, userId, profile);
      await recordAdminEvent(tx, { at, actor: caller.actor, action: 'account.updated', targetUserId: userId });
      // A move to another department ended their lead of the old one.
      if (leadCleared)
        await recordAdminEvent(tx, { at, actor: caller.actor, action: 'account.lead-cleared', targetUserId: userId });
    }
    if (active === false) await deactivateWithin(tx, userId, caller.actor, at);
    if (active === true) await reactivateWithin(tx, userId, caller.actor, at);
    const changed = await findScimAccount(tx, userId);
    return changed === null ? NO_SUCH_USER : scimOk(changed);
  });
  if (outcome.ok) deps.onRecorded?.();
  return outcome;
}

/** One User by id, the lookup recorded. */
export async function scimUser(deps: ScimDeps, caller: ScimCaller, userId: string): Promise<ScimResult<ScimAccount>> {
  const found = await findScimAccount(deps.db, userId);
  await recordLookup(deps, caller, found === null ? 0 : 1);
  return found === null ? NO_SUCH_USER : scimOk(found);
}

/** A page of Users (1-based `startIndex`), the lookup recorded. */
export async function scimUsers(
  deps: ScimDeps,
  caller: ScimCaller,
  query: UserQuery,
  page: { readonly startIndex: number; readonly count: number },
) {
  const found = await scimAccounts(deps.db, {
    userName: query.kind === 'userName' ? query.userName : null,
    offset: page.startIndex - 1,
    limit: page.count,
  });
  await recordLookup(deps, caller, found.accounts.length);
  return found;
}

async function recordLookup(deps: ScimDeps, caller: ScimCaller, resultCount: number): Promise<void> {
  await recordServed(
    deps.db,
    servedEvent({
      at: deps.clock(),
      actor: caller.actor,
      action: 'search.performed',
      object: { kind: 'search', resultCount },
    }),
  );
  deps.onRecorded?.();
}
