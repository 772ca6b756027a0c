/**
 * Whether a sender may name a role address in an envelope's signed header (`roleAddress`),
 * which decides the address's retention bound applies to it (server/retention/). Checked at
 * `send`, before anything is stored:
 *
 * - the address exists (UNKNOWN_ROLE_ADDRESS otherwise);
 * - the conversation names no other address in what the server holds of it: a conversation
 *   belongs to one address (ROLE_ADDRESS_NOT_PERMITTED otherwise);
 * - and the message is the address's business: the sender is one of its members, or someone it
 *   is sealed for is (a message to the address reaches its members, a member's reply reaches the
 *   sender who wrote to it), or the conversation already holds a message naming this address (a
 *   reply after those who answered for the role have left it). Anyone who may send messages may
 *   write to any address (the directory lists every one of them to every clinician), so who may
 *   address it is not the question; whether it takes part is.
 *
 * What the server cannot check, and so trusts: that a message naming the address belongs to the
 * conversation the sealed body describes. It sees only ids and never the body, so a sender could
 * name an address on a message of their own to one of its members that is not about the address,
 * or on a message in a conversation where it was named before, and change how long that message
 * is kept. Only their own messages, which they could recall anyway; the rule above stops them
 * naming an address on a conversation no member of it takes part in, which is where a shorter or
 * longer bound would be someone else's. The receiving workstation refuses a message whose sealed
 * body names another address than its header (main/messaging/sealed-header-checks.ts). Two first
 * messages of a new conversation sent at once, each naming another address, may both be taken:
 * each still passed the membership rule, and a later one then finds two and is refused.
 */
import type { Envelope } from '../../shared/protocol/envelope';
import type { ProtocolErrorCode } from '../../shared/protocol/errors';
import type { Queryable } from '../db/database';
import { readersOf } from './envelope-rules';

export type RoleAddressRefusal = Extract<ProtocolErrorCode, 'UNKNOWN_ROLE_ADDRESS' | 'ROLE_ADDRESS_NOT_PERMITTED'>;

/** What the database says about the address and the conversation, for the rule (pure). */
export interface RoleAddressFacts {
  readonly known: boolean;
  /** The sender or a reader is a member now. */
  readonly involved: boolean;
  /** The addresses earlier messages of the conversation named. */
  readonly namedBefore: ReadonlySet<string>;
}

export function roleAddressRule(address: string, facts: RoleAddressFacts): RoleAddressRefusal | null {
  if (!facts.known) return 'UNKNOWN_ROLE_ADDRESS';
  if ([...facts.namedBefore].some((other) => other !== address)) return 'ROLE_ADDRESS_NOT_PERMITTED';
  return facts.involved || facts.namedBefore.has(address) ? null : 'ROLE_ADDRESS_NOT_PERMITTED';
}

/** The refusal of the envelope's role address, or null if it names none or may name it. */
export async function roleAddressRefusal(db: Queryable, envelope: Envelope): Promise<RoleAddressRefusal | null> {
  const address = envelope.header.roleAddress;
  if (address === undefined) return null;
  const known = (await db.query('SELECT 1 FROM role_addresses WHERE address_id = $1', [address])).length > 0;
  if (!known) return roleAddressRule(address, { known, involved: false, namedBefore: new Set() });
  const people = [envelope.header.sender.userId, ...readersOf(envelope)];
  const members = await db.query(
    'SELECT 1 FROM role_members WHERE address_id = $1 AND user_id = ANY($2::text[]) LIMIT 1',
    [address, people],
  );
  const named = await db.query<{ role_address: string }>(
    `SELECT DISTINCT role_address FROM envelopes WHERE conversation_id = $1 AND role_address IS NOT NULL`,
    [envelope.header.conversationId],
  );
  return roleAddressRule(address, {
    known,
    involved: members.length > 0,
    namedBefore: new Set(named.map((row) => row.role_address)),
  });
}
