/**
 * Whether a received envelope may join the conversation it names, decided without I/O from what
 * the vault already holds of that conversation. Used twice with the same rule: by the feed
 * receiver, over a page of events (the facts read once, then carried forward as the page's own
 * messages would change them), and by the store, inside the transaction that stores the page.
 *
 *   CONVERSATION_MISMATCH  the conversation exists with other members: nobody joins one by
 *                          reusing its id, since members are fixed when it starts
 *   PARTICIPANTS_MISMATCH  the reply leaves out someone no escalation plan in the thread names:
 *                          only people on standby (escalation-standby.ts) may be left out
 */
import { sameMembers } from './sealed-header-checks';

export type AdmissionRefusal = 'CONVERSATION_MISMATCH' | 'PARTICIPANTS_MISMATCH';

/** What the vault holds of a conversation that exists. */
export interface ThreadFacts {
  readonly members: readonly string[];
  /** Everyone an escalation plan in the thread names; asked for only when a reply leaves someone out. */
  readonly planned: () => ReadonlySet<string>;
}

/** What an envelope's sealed body says of its conversation. */
export interface ThreadClaim {
  readonly members: readonly string[];
  /** Members the reply leaves out, as being on standby. */
  readonly standby: readonly string[];
}

export function admission(existing: ThreadFacts | null, claim: ThreadClaim): AdmissionRefusal | null {
  if (existing === null) return null;
  if (!sameMembers(existing.members, claim.members)) return 'CONVERSATION_MISMATCH';
  if (claim.standby.length === 0) return null;
  const planned = existing.planned();
  return claim.standby.every((id) => planned.has(id)) ? null : 'PARTICIPANTS_MISMATCH';
}
