/**
 * Off duty with a cover: a new message to someone off duty also goes to their covering colleague,
 * decided here without I/O. Only people addressed by name count (a role address already reaches
 * whoever holds the role), only an availability still in force at `now`, one step only (a cover
 * who is off duty themselves does not pass it on: no chains, no loops), and never the sender.
 * The renderer says the same before sending ("… is off duty; … (covering) will also receive
 * this"), from the same directory entries; the conversation then names the cover as a participant.
 */
import { inForce, type Availability, type AvailabilityCover } from '../../shared/protocol/availability';

export interface CoverAddition {
  /** The person addressed, who is off duty. */
  readonly forUserId: string;
  readonly cover: AvailabilityCover;
}

export function coverRecipients(input: {
  readonly recipients: readonly string[];
  /** Who the sender named directly (not through a role address). */
  readonly named: ReadonlySet<string>;
  readonly availabilityOf: (userId: string) => Availability | undefined;
  readonly selfId: string;
  readonly now: number;
}): { recipients: string[]; added: CoverAddition[] } {
  const recipients = [...input.recipients];
  const present = new Set(recipients);
  const added: CoverAddition[] = [];
  for (const userId of input.recipients) {
    if (!input.named.has(userId)) continue;
    const away = inForce(input.availabilityOf(userId) ?? null, input.now);
    if (away?.state !== 'off-duty' || away.cover === null) continue;
    const cover = away.cover;
    if (cover.userId === input.selfId || present.has(cover.userId)) continue;
    present.add(cover.userId);
    recipients.push(cover.userId);
    added.push({ forUserId: userId, cover });
  }
  return { recipients, added };
}
