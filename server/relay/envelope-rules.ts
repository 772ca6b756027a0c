/**
 * The relay's checks on an envelope that need no database: who may send it, whether it has
 * already expired, whether its signed time is one the server accepts, who may receive it, and
 * whether every sealed key targets the key its recipient has published, and whether the archive
 * key the server requires is sealed to.
 * Pure; send-message.ts supplies the directory's view.
 */
import { receivesMessages } from '../../shared/access/permission-matrix';
import { isArchiveRecipient, type ArchiveRequirement } from '../../shared/protocol/archive-key';
import { archiveFingerprintOfBase64 } from '../../shared/node/archive/archive-key-pair';
import { sentAtAcceptable } from '../../shared/protocol/clock-skew';
import type { Envelope } from '../../shared/protocol/envelope';
import { escalationRecipients } from '../../shared/protocol/escalation';
import { userId as userIdSchema } from '../../shared/protocol/identifiers';
import type { ProtocolErrorCode } from '../../shared/protocol/errors';

export function senderMatches(envelope: Envelope, caller: { userId: string; deviceId: string }): boolean {
  return envelope.header.sender.userId === caller.userId && envelope.header.sender.deviceId === caller.deviceId;
}

export function envelopeExpired(envelope: Envelope, now: number): boolean {
  return envelope.header.expiresAt !== null && envelope.header.expiresAt <= now;
}

/** The sender's signed time, too far ahead of the server's clock or too old (shared/protocol/clock-skew.ts). */
export function sentAtRefused(envelope: Envelope, now: number): boolean {
  return !sentAtAcceptable(envelope.header.sentAt, now);
}

/**
 * Recipients whose role does not take part in messaging (`messages.use` in the permission
 * matrix: compliance officers and IT administrators): a message to them would sit unread in a
 * vault they never open. The same permission that lets a role send lets it receive.
 */
export function recipientsWithoutMessaging(
  envelope: Envelope,
  roleOf: (userId: string) => string | undefined,
): string[] {
  return readersOf(envelope).filter((userId) => !receivesMessages(roleOf(userId) ?? ''));
}

/** Everyone the envelope is sealed for besides its sender: its recipients now, and those its escalation may reach. */
export function readersOf(envelope: Envelope): string[] {
  return [...new Set([...envelope.header.recipients, ...escalationRecipients(envelope.header.escalation)])];
}

/**
 * Every key entry for a user must be for a reader (a header recipient, or someone the escalation
 * plan names) or the sender (their own copy) and must target that user's current encryption key; entries for extra recipients such as an
 * archive (`archive:<id>`) are not users and are not checked here.
 */
export function sealedKeysFailure(
  envelope: Envelope,
  encryptionKeys: ReadonlyMap<string, string>,
): Extract<ProtocolErrorCode, 'RECIPIENT_KEY_MISMATCH' | 'ENVELOPE_INVALID'> | null {
  const allowed = new Set([...readersOf(envelope), envelope.header.sender.userId]);
  for (const entry of envelope.keys) {
    if (!userIdSchema.safeParse(entry.recipient).success) continue;
    if (!allowed.has(entry.recipient)) return 'ENVELOPE_INVALID';
    if (encryptionKeys.get(entry.recipient) !== entry.publicKey) return 'RECIPIENT_KEY_MISMATCH';
  }
  return null;
}

/**
 * Everyone who gets a feed event for the envelope when it is accepted: each recipient and the
 * sender's other devices. Escalation recipients get theirs when their step is released.
 */
export function envelopeAudience(envelope: Envelope): string[] {
  return [...new Set([...envelope.header.recipients, envelope.header.sender.userId])];
}

/**
 * On a server that archives: exactly one archive key entry, for the required recipient, sealed
 * to the key with the required fingerprint (the whole fingerprint of the key the entry names,
 * not the id alone). A modified client cannot leave the archive out, swap in a key of its own or
 * add a second archive beside it. What no server can check is that the sealed bytes open: only
 * the private key can, and the sender's signature covers them, so `archive:open` names the
 * sender of any that do not.
 */
export function archiveKeyFailure(
  envelope: Envelope,
  required: ArchiveRequirement | null,
): Extract<ProtocolErrorCode, 'ARCHIVE_KEY_REQUIRED' | 'ARCHIVE_KEY_MISMATCH'> | null {
  if (required === null) return null;
  const entries = envelope.keys.filter((entry) => isArchiveRecipient(entry.recipient));
  const [entry, ...others] = entries;
  if (entry === undefined) return 'ARCHIVE_KEY_REQUIRED';
  const matches =
    entry.recipient === required.recipient && archiveFingerprintOfBase64(entry.publicKey) === required.fingerprint;
  return others.length === 0 && matches ? null : 'ARCHIVE_KEY_MISMATCH';
}
