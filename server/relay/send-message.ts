/**
 * `send`: checks an envelope and stores it once, with one feed event for each recipient and one
 * for the sender's other devices. The envelope id is the idempotency key: the identical
 * envelope again answers `duplicate: true` and changes nothing; a different envelope under a
 * taken id is IDEMPOTENCY_CONFLICT.
 *
 * Order of checks: sender (cheap, and stops anyone resending another user's envelope), expiry,
 * the signed time (CLOCK_SKEW), recipients (active, with keys, and in a role that takes part in
 * messaging) and their keys, the archive key the server requires (envelope-rules.ts), the role
 * address the header names, if any (role-address-tag.ts), the signature (the only costly one), then the insert, whose conflict on the id finds a resend, then the attachments: every blob the signed header names
 * must be the sender's own finished upload that no message has claimed, and the send claims
 * them all in its statement or is refused (ATTACHMENT_UNKNOWN) and stores nothing. Any refusal is checked against the stored id before it is
 * given, so a resend of something already accepted is answered as a duplicate whatever changed.
 */
import type { RouteResponse } from '../../shared/protocol/api';
import type { ArchiveRequirement } from '../../shared/protocol/archive-key';
import { envelopeSignedBytes, type Envelope } from '../../shared/protocol/envelope';
import type { AuthenticatedSession } from '../accounts/session-store';
import type { Clock } from '../clock';
import { signatureValid } from '../../shared/node/crypto/ed25519';
import { ComposedStatement } from '../db/composed-statement';
import type { Database, Queryable } from '../db/database';
import { activeIdentitiesOf } from '../directory/identity-store';
import { fail, failAbout, succeed, type Outcome } from '../outcome';
import { envelopeDigest } from './envelope-digest';
import {
  archiveKeyFailure,
  envelopeAudience,
  envelopeExpired,
  readersOf,
  recipientsWithoutMessaging,
  sealedKeysFailure,
  senderMatches,
  sentAtRefused,
} from './envelope-rules';
import { envelopeIdentity, insertEnvelopePart } from './envelope-store';
import { roleAddressRefusal } from './role-address-tag';
import { scheduleEscalationPart } from './escalation-store';
import { appendFeedEventsPart } from './feed-store';
import { recordServedPart, servedEvent } from '../audit/served-events';
import { claimBlobsPart } from '../blobs/blob-store';

export interface RelayDeps {
  readonly db: Database;
  readonly clock: Clock;
}

export interface SendDeps extends RelayDeps {
  /** The archive key every envelope must be sealed to; null on a server that does not archive. */
  readonly archive: ArchiveRequirement | null;
}

type SendResponse = RouteResponse<'send'>;

async function answerForTakenId(
  deps: RelayDeps,
  envelope: Envelope,
  digest: string,
): Promise<Outcome<SendResponse> | null> {
  const existing = await envelopeIdentity(deps.db, envelope.header.id);
  if (existing === null) return null;
  if (existing.senderId !== envelope.header.sender.userId || existing.digest !== digest)
    return fail('IDEMPOTENCY_CONFLICT');
  return succeed({ messageId: envelope.header.id, acceptedAt: existing.acceptedAt, duplicate: true });
}

export async function sendMessage(
  deps: SendDeps,
  session: AuthenticatedSession,
  envelope: Envelope,
): Promise<Outcome<SendResponse>> {
  if (!senderMatches(envelope, session)) return fail('SENDER_MISMATCH');
  const digest = envelopeDigest(envelope);
  const accepted = await acceptNew(deps, envelope, digest);
  // A refusal may be a resend of something already accepted (whose recipient has since left,
  // or which has since expired): that is answered from what was stored, as a duplicate.
  if (!accepted.ok) return (await answerForTakenId(deps, envelope, digest)) ?? accepted;
  return accepted;
}

/** The checks and the insert, assuming the envelope is new (nearly always: resends are rare). */
async function acceptNew(deps: SendDeps, envelope: Envelope, digest: string): Promise<Outcome<SendResponse>> {
  const now = deps.clock();
  if (envelopeExpired(envelope, now)) return fail('MESSAGE_EXPIRED');
  if (sentAtRefused(envelope, now)) return fail('CLOCK_SKEW');

  const readers = readersOf(envelope);
  const senderId = envelope.header.sender.userId;
  const identities = await activeIdentitiesOf(deps.db, [...readers, senderId]);
  if (!readers.every((userId) => identities.has(userId))) return fail('UNKNOWN_RECIPIENT');
  const notPermitted = recipientsWithoutMessaging(envelope, (userId) => identities.get(userId)?.role);
  if (notPermitted.length > 0) return failAbout('RECIPIENT_NOT_PERMITTED', notPermitted);

  const encryptionKeys = new Map([...identities].map(([userId, identity]) => [userId, identity.publicKeys.encryption]));
  const keysFailure = sealedKeysFailure(envelope, encryptionKeys);
  if (keysFailure) return fail(keysFailure);
  const archiveFailure = archiveKeyFailure(envelope, deps.archive);
  if (archiveFailure) return fail(archiveFailure);
  const roleFailure = await roleAddressRefusal(deps.db, envelope);
  if (roleFailure) return fail(roleFailure);

  const signingKey = identities.get(senderId)?.publicKeys.signing;
  if (
    signingKey === undefined ||
    !(await signatureValid(signingKey, envelopeSignedBytes(envelope), envelope.signature))
  ) {
    return fail('SIGNATURE_INVALID');
  }

  return storeAccepted(deps.db, envelope, digest, now);
}

/**
 * Stores the accepted envelope in one statement, its own transaction: the envelope and its
 * recipients, then only if that insert happened (the id was free) its attachments' claim, the
 * feed events with their notification, the escalation alerts, and the server's own record
 * (served-events.ts). One round trip instead of eight; the database's work is the same, and its
 * locks are taken in the same order: envelope, blobs, feed heads, then the audit outbox.
 */
async function storeAccepted(
  db: Queryable,
  envelope: Envelope,
  digest: string,
  now: number,
): Promise<Outcome<SendResponse>> {
  const { id, conversationId, attachments, escalation } = envelope.header;
  const senderId = envelope.header.sender.userId;
  const s = new ComposedStatement();
  const stored = insertEnvelopePart(s, envelope, digest, now);
  // One claim per blob: of twenty sends naming one blob, one claims it and nineteen are refused.
  if (attachments !== undefined)
    claimBlobsPart(s, stored, { messageId: id, ownerId: senderId, blobIds: attachments }, 'ATTACHMENT_UNKNOWN');
  const appended = appendFeedEventsPart(
    s,
    stored,
    envelopeAudience(envelope),
    { type: 'envelope', messageId: id },
    now,
  );
  if (escalation !== undefined) scheduleEscalationPart(s, stored, id, escalation, now);
  // After the feed heads: the audit outbox's lock is the last the send takes (feed-store.ts).
  recordServedPart(
    s,
    appended ?? stored,
    servedEvent({
      at: now,
      actor: senderId,
      action: 'message.accepted',
      object: { kind: 'message', id, conversationId },
    }),
  );
  const outcome = await s.run<{ stored: boolean }>(db, { stored: `EXISTS (SELECT 1 FROM ${stored})` });
  if (!outcome.ok) {
    // The claim is the statement's only refusal.
    if (outcome.refusal !== 'ATTACHMENT_UNKNOWN') throw new Error(`unexpected refusal ${outcome.refusal}`);
    return fail('ATTACHMENT_UNKNOWN');
  }
  // Taken (a resend, or a concurrent one that got there first): the caller answers from the stored row.
  if (!outcome.row.stored) return fail('IDEMPOTENCY_CONFLICT');
  return succeed({ messageId: id, acceptedAt: now, duplicate: false });
}
