/**
 * IT sets a role address's own escalation times, or returns it to the organisation's (server
 * option `escalation`). They decide how soon a STAT message nobody acknowledges reaches the
 * backup and then the whole role, so each change is recorded for the audit trail naming who made
 * it and the address, in the transaction of the change. The times themselves are not in the
 * record (the trail carries ids and codes); every STAT message signs the times it was sent with.
 * A set that changes nothing (a repeat, or the loser of two equal sets at once) answers so and
 * records nothing.
 */
import type { RoleEscalationTimes } from '../../shared/protocol/escalation';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor } from '../admin/admin-events';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import type { RoleAddressAdminDeps } from './role-address-admin';
import { updateRoleEscalation } from './role-escalation-store';

/** `times` already checked (roleEscalationTimes); null clears them. NOT_FOUND for no such address. */
export async function setRoleEscalation(
  deps: RoleAddressAdminDeps,
  input: { readonly addressId: string; readonly escalation: RoleEscalationTimes | null },
  actor: string,
): Promise<Outcome<{ changed: boolean }>> {
  const by = checkedActor(actor);
  return transactionOutcome<{ changed: boolean }>(deps.db, async (tx) => {
    const changed = await updateRoleEscalation(tx, input.addressId, input.escalation);
    if (changed === null) return fail('NOT_FOUND');
    if (changed)
      await recordAdminEvent(tx, {
        at: deps.clock(),
        actor: by,
        action: input.escalation === null ? 'role-address.escalation-cleared' : 'role-address.escalation-set',
        targetUserId: null,
        subject: input.addressId,
      });
    return succeed({ changed });
  });
}
