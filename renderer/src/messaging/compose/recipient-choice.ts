/**
 * A directory entry as the compose form holds it: the `Recipient` that `message.send` takes,
 * the words shown for it, and whether it can receive messages at all.
 */
import type { Recipient } from '../../../../shared/ipc/contract';
import type { DirectoryEntry } from '../../../../shared/protocol/api';
import { personDetails, roleAddressDetails } from '../../people/person-details';

export interface RecipientChoice {
  /** Stable key: `user:<id>` or the role address id (`role:...`). */
  readonly id: string;
  readonly recipient: Recipient;
  readonly name: string;
  readonly details: string;
  /** Why it cannot be chosen, or null when it can. */
  readonly unavailable: string | null;
  /** The people a message to it reaches (a role's current members), to name them in a warning. */
  readonly people: readonly { readonly userId: string; readonly name: string }[];
}

export function recipientChoice(entry: DirectoryEntry): RecipientChoice {
  if (entry.kind === 'user') {
    return {
      id: `user:${entry.userId}`,
      recipient: { kind: 'user', userId: entry.userId },
      name: entry.displayName,
      details: personDetails(entry),
      unavailable: !entry.active ? 'Account not active' : entry.fingerprint === null ? 'Has not signed in to Wardline yet' : null,
      people: [{ userId: entry.userId, name: entry.displayName }],
    };
  }
  return {
    id: entry.addressId,
    recipient: { kind: 'role', addressId: entry.addressId },
    name: entry.displayName,
    details: roleAddressDetails({ department: entry.department, memberCount: entry.members.length }),
    unavailable: entry.members.length === 0 ? 'No one holds this role right now' : null,
    people: entry.members.map((member) => ({ userId: member.userId, name: member.displayName })),
  };
}
