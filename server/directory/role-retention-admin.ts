/**
 * IT sets a role address's own message retention bound, or returns it to the organisation's
 * (server option `messageRetentionDays`). It decides how long the server keeps the ciphertext of
 * messages whose signed header names the address, from the next retention run on: a shorter
 * bound deletes what is then due, which cannot be undone, so the route asks for a fresh
 * re-authentication (shared/protocol/admin-directory-api.ts). Each change is recorded for the
 * audit trail in its transaction, naming who made it, the address and, when set, the days (a
 * number, nothing of any message). A set that changes nothing (a repeat, or the loser of two
 * equal sets at once) answers so and records nothing.
 */
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor } from '../admin/admin-events';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import type { RoleAddressAdminDeps } from './role-address-admin';
import { updateRoleRetention } from './role-retention-store';

/** `retentionDays` already checked (shared/protocol/retention-days.ts); null clears it. NOT_FOUND for no such address. */
export async function setRoleRetention(
  deps: RoleAddressAdminDeps,
  input: { readonly addressId: string; readonly retentionDays: number | null },
  actor: string,
): Promise<Outcome<{ changed: boolean }>> {
  const by = checkedActor(actor);
  return transactionOutcome<{ changed: boolean }>(deps.db, async (tx) => {
    const changed = await updateRoleRetention(tx, input.addressId, input.retentionDays);
    if (changed === null) return fail('NOT_FOUND');
    if (changed)
      await recordAdminEvent(tx, {
        at: deps.clock(),
        actor: by,
        action: input.retentionDays === null ? 'role-address.retention-cleared' : 'role-address.retention-set',
        targetUserId: null,
        subject: input.addressId,
        retentionDays: input.retentionDays,
      });
    return succeed({ changed });
  });
}
