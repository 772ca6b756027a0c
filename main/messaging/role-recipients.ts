/**
 * Who a message to a role address goes to, decided without I/O from the directory's entry for
 * the address (shared/protocol/api.ts directoryRole) and the time of sending:
 *
 * 1. the people on call now (the entry's `onCall` shifts that have not ended by `now`), other
 *    than the sender;
 * 2. else, when the sender is the only one on call, those shifts' backups;
 * 3. else (no schedule covers now, or the entry's shifts have all ended since it was read),
 *    every member.
 *
 * Only members who may receive messages count (active, with a role that takes part in
 * messaging: shared/access/permission-matrix.ts); someone on call who is not among them is
 * passed over, never addressed from the schedule alone.
 */
import { receivesMessages } from '../../shared/access/permission-matrix';
import type { DirectoryRole } from '../../shared/protocol/api';

export function roleRecipients(
  role: Pick<DirectoryRole, 'members' | 'onCall'>,
  context: { readonly selfId: string; readonly now: number },
): string[] {
  const reachable = new Set(
    role.members
      .filter((member) => member.active && receivesMessages(member.role) && member.userId !== context.selfId)
      .map((member) => member.userId),
  );
  const current = role.onCall.filter((shift) => shift.endsAt > context.now);
  const onCall = current.map((shift) => shift.userId).filter((userId) => reachable.has(userId));
  if (onCall.length > 0) return [...new Set(onCall)];
  // The sender is on call (or nobody on call can receive): their backups, if any can.
  const backups = current
    .map((shift) => shift.backupUserId)
    .filter((userId): userId is string => userId !== null && reachable.has(userId));
  if (backups.length > 0) return [...new Set(backups)];
  return [...reachable];
}
