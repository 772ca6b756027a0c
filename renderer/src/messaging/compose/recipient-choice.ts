/**
 * A directory entry as the compose form holds it: the `Recipient` that `message.send` takes,
 * the words shown for it, and whether it can receive messages at all (a compliance or IT account
 * never does: shared/access/permission-matrix.ts).
 */
import { receivesMessages } from '../../../../shared/access/permission-matrix';
import type { Recipient } from '../../../../shared/ipc/contract';
import type { DirectoryEntry } from '../../../../shared/protocol/api';
import type { Availability } from '../../../../shared/protocol/availability';
import { displayText } from '../../../../shared/text/display-text';
import { personDetails, roleAddressDetails } from '../../people/person-details';

/** A directory name as shown (main has cleaned it already); the id if nothing visible is left. */
const shown = (name: string, id: string) => displayText(name) || id;

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
  /** A person's availability as the directory answered (null: available, or a role address). */
  readonly availability: Availability;
}

export function recipientChoice(entry: DirectoryEntry): RecipientChoice {
  if (entry.kind === 'user') {
    return {
      id: `user:${entry.userId}`,
      recipient: { kind: 'user', userId: entry.userId },
      name: shown(entry.displayName, entry.userId),
      details: displayText(personDetails(entry)),
      unavailable: !receivesMessages(entry.role)
        ? 'Does not receive secure messages'
        : !entry.active
          ? 'Account not active'
          : entry.fingerprint === null
            ? 'Has not signed in to Wardline yet'
            : null,
      people: [{ userId: entry.userId, name: shown(entry.displayName, entry.userId) }],
      availability: entry.availability,
    };
  }
  // A member whose role receives no messages is not reached by the address (main skips them too).
  const members = entry.members.filter((member) => receivesMessages(member.role));
  return {
    id: entry.addressId,
    recipient: { kind: 'role', addressId: entry.addressId },
    name: shown(entry.displayName, entry.addressId),
    details: displayText(roleAddressDetails({ department: entry.department, memberCount: members.length })),
    unavailable: members.length === 0 ? 'No one holds this role right now' : null,
    people: members.map((member) => ({ userId: member.userId, name: shown(member.displayName, member.userId) })),
    availability: null,
  };
}
