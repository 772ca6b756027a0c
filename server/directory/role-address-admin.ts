/**
 * Changing role addresses ("On-call cardiology") and their members, as the operator's
 * programmatic API (saveRoleAddress) and IT's admin API do. Who is a member decides who receives
 * what is sent to the address, so every change is recorded for the audit trail, naming who made
 * it and the address (and member) in full, in the transaction of the change. A change that
 * changes nothing (a repeat, or the loser of two at once) answers so and records nothing.
 */
import { receivesMessages } from '../../shared/access/permission-matrix';
import { ROLE_ADDRESS_MEMBERS_MAX } from '../../shared/protocol/admin-directory-api';
import { SERVER_OPERATOR } from '../accounts/account-events';
import { storedRoles } from '../accounts/account-store';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor, type AdminEventAction } from '../admin/admin-events';
import type { Clock } from '../clock';
import type { Database, Queryable } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, failAbout, succeed, type Outcome } from '../outcome';
import {
  deleteRoleMember,
  insertRoleAddress,
  insertRoleMember,
  lockRoleAddress,
  roleMemberCount,
  roleMembersOf,
  storeRoleAddress,
  updateRoleAddress,
  type RoleAddress,
} from './role-address-store';
import { clearBackup } from './role-shift-store';

export interface RoleAddressAdminDeps {
  readonly db: Database;
  readonly clock: Clock;
}

export async function saveRoleAddress(
  deps: RoleAddressAdminDeps,
  input: RoleAddress & { readonly members: readonly string[] },
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const before = new Set(await roleMembersOf(tx, input.addressId));
    const after = new Set(input.members);
    // Whoever leaves backs up no shift here any more; their own shifts go with their membership.
    await clearBackup(
      tx,
      input.addressId,
      [...before].filter((userId) => !after.has(userId)),
    );
    await storeRoleAddress(tx, input, [...after]);
    const at = deps.clock();
    const subject = input.addressId;
    await recordAdminEvent(tx, {
      at,
      actor: SERVER_OPERATOR,
      action: 'role-address.saved',
      targetUserId: null,
      subject,
    });
    for (const userId of after)
      if (!before.has(userId))
        await recordAdminEvent(tx, {
          at,
          actor: SERVER_OPERATOR,
          action: 'role-address.member-added',
          targetUserId: userId,
          subject,
        });
    for (const userId of before)
      if (!after.has(userId))
        await recordAdminEvent(tx, {
          at,
          actor: SERVER_OPERATOR,
          action: 'role-address.member-removed',
          targetUserId: userId,
          subject,
        });
  });
}

/** The IT admin `actor` did `action` to the address (and member), recorded at the clock's now. */
const recorded = (
  deps: RoleAddressAdminDeps,
  tx: Queryable,
  actor: string,
  action: AdminEventAction,
  addressId: string,
  member: string | null = null,
) => recordAdminEvent(tx, { at: deps.clock(), actor, action, targetUserId: member, subject: addressId });

/** A new address, without members; CONFLICT if its id is taken. */
export async function createRoleAddress(
  deps: RoleAddressAdminDeps,
  address: RoleAddress,
  actor: string,
): Promise<Outcome<Record<string, never>>> {
  const by = checkedActor(actor);
  return transactionOutcome(deps.db, async (tx) => {
    if (!(await insertRoleAddress(tx, address))) return fail('CONFLICT');
    await recorded(deps, tx, by, 'role-address.created', address.addressId);
    return succeed({});
  });
}

/** A new name, department or description for an address; NOT_FOUND if there is none. */
export async function updateRoleAddressDetails(
  deps: RoleAddressAdminDeps,
  address: RoleAddress,
  actor: string,
): Promise<Outcome<{ changed: boolean }>> {
  const by = checkedActor(actor);
  return transactionOutcome(deps.db, async (tx) => {
    const changed = await updateRoleAddress(tx, address);
    if (changed === null) return fail('NOT_FOUND');
    if (changed) await recorded(deps, tx, by, 'role-address.updated', address.addressId);
    return succeed({ changed });
  });
}

/**
 * Makes the person a member of the address. Only an existing account (UNKNOWN_RECIPIENT) whose
 * role receives messages (RECIPIENT_NOT_PERMITTED: compliance and IT take no part in messaging),
 * while the address has room (CONFLICT); NOT_FOUND for no such address. Changes to one address
 * take turns (its row lock), so two adds at once record one addition.
 */
export async function addRoleMember(
  deps: RoleAddressAdminDeps,
  input: { readonly addressId: string; readonly userId: string },
  actor: string,
): Promise<Outcome<{ changed: boolean }>> {
  const by = checkedActor(actor);
  return transactionOutcome<{ changed: boolean }>(deps.db, async (tx) => {
    if (!(await lockRoleAddress(tx, input.addressId))) return fail('NOT_FOUND');
    const [account] = await storedRoles(tx, [input.userId]);
    if (account === undefined) return failAbout('UNKNOWN_RECIPIENT', [input.userId]);
    if (!receivesMessages(account.role)) return failAbout('RECIPIENT_NOT_PERMITTED', [input.userId]);
    if (!(await insertRoleMember(tx, input.addressId, input.userId))) return succeed({ changed: false });
    if ((await roleMemberCount(tx, input.addressId)) > ROLE_ADDRESS_MEMBERS_MAX) return fail('CONFLICT');
    await recorded(deps, tx, by, 'role-address.member-added', input.addressId, input.userId);
    return succeed({ changed: true });
  });
}

/**
 * The person is no longer a member, nor on call or backup in any of the address's shifts;
 * `changed` says whether they were one. NOT_FOUND for no such address.
 */
export async function removeRoleMember(
  deps: RoleAddressAdminDeps,
  input: { readonly addressId: string; readonly userId: string },
  actor: string,
): Promise<Outcome<{ changed: boolean }>> {
  const by = checkedActor(actor);
  return transactionOutcome<{ changed: boolean }>(deps.db, async (tx) => {
    if (!(await lockRoleAddress(tx, input.addressId))) return fail('NOT_FOUND');
    // A former member is on call for nothing here: as backup they are cleared, and the shifts
    // they were on call for are deleted with their membership (ON DELETE CASCADE), in this
    // transaction. Those hours then have nobody on call, and the address reaches every member.
    await clearBackup(tx, input.addressId, [input.userId]);
    if (!(await deleteRoleMember(tx, input.addressId, input.userId))) return succeed({ changed: false });
    await recorded(deps, tx, by, 'role-address.member-removed', input.addressId, input.userId);
    return succeed({ changed: true });
  });
}
