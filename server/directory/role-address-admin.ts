/**
 * Saving a role address ("On-call cardiology") and its members, as the admin API does. Who is a
 * member decides who receives what is sent to the address, so each member added or removed is
 * recorded for the audit trail, beside the save itself, in the same transaction.
 */
import { SERVER_OPERATOR } from '../accounts/account-events';
import { recordAdminEvent } from '../admin/admin-event-store';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { roleMembersOf, storeRoleAddress, type RoleAddress } from './role-address-store';

export async function saveRoleAddress(
  deps: { readonly db: Database; readonly clock: Clock },
  input: RoleAddress & { readonly members: readonly string[] },
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const before = new Set(await roleMembersOf(tx, input.addressId));
    const after = new Set(input.members);
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
