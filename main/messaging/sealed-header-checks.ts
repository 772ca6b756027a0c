/**
 * What a received message's sealed body says against its signed header, decided without I/O.
 * The header is what the server checked and stores; the body is what the clinician sees. Where
 * both speak of the same thing they must agree, or the message is refused with the code of what
 * differs (the feed receiver drops it, never shows it):
 *
 *   ATTACHMENTS_MISMATCH   the sealed descriptions are not of exactly the blobs the header links
 *   PARTICIPANTS_MISMATCH  the sealed participants are not exactly who the header addresses
 *   ROLE_ADDRESS_MISMATCH  the header names one role address and the body another, so the server
 *                          would keep the message for a period other than the conversation's
 *
 * A header without a role address (earlier builds, other conversations) and a body without one
 * (a role conversation whose address the sender's directory did not know) are both taken: only
 * two that differ are refused.
 */
import type { Envelope, MessageBody } from '../../shared/protocol/envelope';
import { escalationRecipients } from '../../shared/protocol/escalation';

export type SealedHeaderMismatch = 'ATTACHMENTS_MISMATCH' | 'PARTICIPANTS_MISMATCH' | 'ROLE_ADDRESS_MISMATCH';

/** The same people, whatever the order or repeats. */
export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((id) => right.has(id));
}

/** The header's blob ids and the body's descriptions name the same blobs, in the same order. */
function sameAttachments(
  linked: readonly string[] | undefined,
  described: readonly { readonly blobId: string }[] | undefined,
): boolean {
  const ids = described?.map((a) => a.blobId) ?? [];
  const header = linked ?? [];
  return ids.length === header.length && ids.every((id, i) => id === header[i]);
}

/**
 * The sealed participants are exactly everyone the envelope was sealed for (its recipients now
 * and those its escalation plan may reach later) plus those it openly leaves out as on standby,
 * who are none of those.
 */
function participantsMatch(header: Envelope['header'], body: MessageBody): boolean {
  const sealedFor = [header.sender.userId, ...header.recipients, ...escalationRecipients(header.escalation)];
  const standby = body.conversation.standby ?? [];
  return (
    standby.every((id) => !sealedFor.includes(id)) &&
    sameMembers([...sealedFor, ...standby], body.conversation.participants)
  );
}

/** The first thing the body and header disagree on, or null where they agree. */
export function sealedHeaderMismatch(header: Envelope['header'], body: MessageBody): SealedHeaderMismatch | null {
  if (!sameAttachments(header.attachments, body.attachments)) return 'ATTACHMENTS_MISMATCH';
  if (!participantsMatch(header, body)) return 'PARTICIPANTS_MISMATCH';
  const sealed = body.conversation.roleAddress?.id;
  if (header.roleAddress !== undefined && sealed !== undefined && sealed !== header.roleAddress)
    return 'ROLE_ADDRESS_MISMATCH';
  return null;
}
