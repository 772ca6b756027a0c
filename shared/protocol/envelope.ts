/**
 * The sealed envelope: what one client hands the server for delivery, and all the server ever
 * holds of a message. The header is plaintext metadata the relay needs (who, to whom, when,
 * expiry, priority); the body is ciphertext; the content key is sealed once per key recipient;
 * the sender signs all of it.
 *
 * Canonical bytes are built here, once, so the sealing client, the verifying server and the
 * opening client can never disagree about what was signed or bound as associated data. The
 * bytes are JSON arrays in a fixed order with a domain tag, not JSON objects, so property order
 * cannot vary.
 *
 * Version 1. `keys` may hold entries beyond the header's recipients (the sender's own copy, and
 * later an organisational archive key, `archive:<id>`), so adding a key recipient is not a
 * format change.
 */
import { z } from 'zod';
import { attachmentRefs } from './attachment';
import { boundedBytes, fixedBytes, NONCE_BYTES, publicKey, signature } from './binary';
import { blobId, MAX_ATTACHMENTS } from './blob-api';
import { escalationArray, escalationPlan, escalationRecipients } from './escalation';
import { conversationId, deviceId, epochMs, messageId, patientReference, roleAddressId, userId } from './identifiers';

export const ENVELOPE_VERSION = 1;
export const PRIORITIES = ['routine', 'urgent', 'stat'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const MAX_RECIPIENTS = 100;
/** Longest message text, in characters. */
export const MAX_TEXT_CHARS = 10_000;
/**
 * Upper bound on the sealed body: the longest text as JSON (control characters escape to six
 * bytes each) plus conversation details and the AEAD tag.
 */
export const MAX_CIPHERTEXT_BYTES = 96 * 1024;
/** Upper bound on a whole envelope as JSON, checked before parsing. */
export const MAX_ENVELOPE_JSON_BYTES = 256 * 1024;
/** crypto_box_seal of a 32-byte content key: 32-byte ephemeral key + 16-byte tag + 32. */
export const SEALED_KEY_BYTES = 80;

/** A key recipient: a user id, or an extra recipient such as an archive (`archive:<id>`). */
export const keyRecipient = z.union([
  userId,
  z
    .string()
    .max(80)
    .regex(/^archive:[a-z0-9-]+$/),
]);

export const envelopeHeader = z.strictObject({
  v: z.literal(ENVELOPE_VERSION),
  id: messageId,
  conversationId,
  sender: z.strictObject({ userId, deviceId }),
  recipients: z
    .array(userId)
    .min(1)
    .max(MAX_RECIPIENTS)
    .refine((list) => new Set(list).size === list.length, { message: 'duplicate recipient' }),
  sentAt: epochMs,
  expiresAt: epochMs.nullable(),
  priority: z.enum(PRIORITIES),
  /**
   * STAT only: who receives it later if nobody acknowledges, and when (escalation.ts). Absent
   * from envelopes without one, whose signed bytes are then exactly as before it existed.
   */
  escalation: escalationPlan.optional(),
  /**
   * The attachment blobs this message carries (blob-api.ts), by id; their keys are in the sealed
   * body. Signed, so nobody can move a blob under another message; absent from envelopes
   * without attachments, whose signed bytes are then exactly as before it existed.
   */
  attachments: z
    .array(blobId)
    .min(1)
    .max(MAX_ATTACHMENTS)
    .refine((list) => new Set(list).size === list.length, { message: 'duplicate attachment' })
    .optional(),
  /**
   * The role address whose conversation this message belongs to (every message of a role
   * conversation carries it), so the server can keep it for that address's retention period
   * (server/relay/role-address-tag.ts checks the sender may name it). The sealed body's
   * `conversation.roleAddress` names the same address where both are present; a receiving
   * workstation refuses a message where they differ. Absent from envelopes of other
   * conversations (and of earlier builds), whose signed bytes are then exactly as before it existed.
   */
  roleAddress: roleAddressId.optional(),
});
export type EnvelopeHeader = z.infer<typeof envelopeHeader>;

export const sealedKey = z.strictObject({
  recipient: keyRecipient,
  /** The X25519 public key the content key was sealed to, so a stale pin is detectable. */
  publicKey,
  sealedKey: fixedBytes(SEALED_KEY_BYTES),
});
export type SealedKey = z.infer<typeof sealedKey>;

export const envelope = z
  .strictObject({
    header: envelopeHeader,
    nonce: fixedBytes(NONCE_BYTES),
    ciphertext: boundedBytes(17, MAX_CIPHERTEXT_BYTES),
    keys: z
      .array(sealedKey)
      .min(1)
      .max(MAX_RECIPIENTS + 4),
    /** Ed25519 by the sender's identity key over `envelopeSignedBytes`. */
    signature,
  })
  .superRefine((value, context) => {
    const keyed = new Set<string>();
    for (const entry of value.keys) {
      if (keyed.has(entry.recipient)) context.addIssue({ code: 'custom', message: 'duplicate key recipient' });
      keyed.add(entry.recipient);
    }
    for (const recipient of value.header.recipients) {
      if (!keyed.has(recipient)) context.addIssue({ code: 'custom', message: 'recipient without a sealed key' });
    }
    const escalation = value.header.escalation;
    if (escalation !== undefined && value.header.priority !== 'stat')
      context.addIssue({ code: 'custom', message: 'escalation of a message that is not STAT' });
    if (value.header.recipients.length + escalationRecipients(escalation).length > MAX_RECIPIENTS)
      context.addIssue({ code: 'custom', message: 'too many readers' });
    const reachedAtOnce = new Set([value.header.sender.userId, ...value.header.recipients]);
    for (const later of escalationRecipients(escalation)) {
      // Nobody can be escalated to who was not sealed to when it was sent.
      if (!keyed.has(later)) context.addIssue({ code: 'custom', message: 'escalation recipient without a sealed key' });
      if (reachedAtOnce.has(later))
        context.addIssue({ code: 'custom', message: 'escalation recipient already a recipient' });
    }
    if (value.header.expiresAt !== null && value.header.expiresAt <= value.header.sentAt) {
      context.addIssue({ code: 'custom', message: 'expiry before sending' });
    }
  });
export type Envelope = z.infer<typeof envelope>;

/**
 * The patient a conversation is about: the hospital's opaque reference (what audit records name)
 * and a label for the people in the thread ("Bed 12, J. Smith"), which is PHI and so travels
 * only inside the sealed body.
 */
export const patientContext = z.strictObject({
  ref: patientReference,
  label: z.string().trim().min(1).max(120).nullable(),
});
export type PatientContext = z.infer<typeof patientContext>;

/** What the ciphertext holds once opened. Conversation details are PHI-capable (a title may name a patient), so they travel inside. */
export const conversationKinds = ['direct', 'group', 'role'] as const;
export const messageBody = z
  .strictObject({
    kind: z.literal('text'),
    /** Empty only when the message carries attachments. */
    text: z.string().max(MAX_TEXT_CHARS),
    /** Files sealed with the message: each a blob on the server and the key to open it (attachment.ts). */
    attachments: attachmentRefs.optional(),
    /** A routine message whose sender asks for acknowledgement (urgent and STAT always do). */
    acknowledgementRequested: z.literal(true).optional(),
    conversation: z.strictObject({
      kind: z.enum(conversationKinds),
      title: z.string().max(200).nullable(),
      participants: z
        .array(userId)
        .min(1)
        .max(MAX_RECIPIENTS + 1),
      roleAddress: z.strictObject({ id: roleAddressId, displayName: z.string().max(200) }).nullable(),
      /**
       * When the conversation began (ms): a workstation that first sees it later knows older
       * messages exist and can fetch them. Absent from the earliest Wardline builds.
       */
      startedAt: z.number().int().nonnegative().optional(),
      /** Absent from builds before patient context; null when the thread concerns no one patient. */
      patient: patientContext.nullable().optional(),
      /**
       * Participants this message leaves out, openly: sealed to by an earlier STAT message's
       * escalation plan but never reached (main/messaging/escalation-standby.ts). A reply goes to
       * those who were reached; the conversation's members stay what they were.
       */
      standby: z.array(userId).min(1).max(MAX_RECIPIENTS).optional(),
    }),
  })
  .refine((body) => body.text.length > 0 || body.attachments !== undefined, { message: 'empty message' });
export type MessageBody = z.infer<typeof messageBody>;

const encoder = new TextEncoder();
const utf8 = (value: unknown) => encoder.encode(JSON.stringify(value));

function headerArray(header: EnvelopeHeader): unknown[] {
  return [
    header.v,
    header.id,
    header.conversationId,
    header.sender.userId,
    header.sender.deviceId,
    header.recipients,
    header.sentAt,
    header.expiresAt,
    header.priority,
    ...(header.escalation === undefined ? [] : [escalationArray(header.escalation)]),
    // Tagged, unlike the escalation before it: both are optional arrays that would otherwise sit
    // at the same position, so `[…, priority, X]` could be read either way. The tag says which.
    ...(header.attachments === undefined ? [] : [['attachments', header.attachments]]),
    // Tagged too: a later optional field must never be read as one before it, or an envelope
    // without attachments but with a role address as one with attachments.
    ...(header.roleAddress === undefined ? [] : [['roleAddress', header.roleAddress]]),
  ];
}

/** Associated data of the body's AEAD: the body cannot be moved under another header. */
export function envelopeHeaderBytes(header: EnvelopeHeader): Uint8Array {
  return utf8(['wardline/envelope/header/v1', ...headerArray(header)]);
}

/** What the sender signs: header, nonce, ciphertext and every sealed key. */
export function envelopeSignedBytes(value: Pick<Envelope, 'header' | 'nonce' | 'ciphertext' | 'keys'>): Uint8Array {
  return utf8([
    'wardline/envelope/signed/v1',
    headerArray(value.header),
    value.nonce,
    value.ciphertext,
    value.keys.map((entry) => [entry.recipient, entry.publicKey, entry.sealedKey]),
  ]);
}

/** A recall is signed by the sender, so the server cannot recall on anyone's behalf. */
export function recallSignedBytes(input: { messageId: string; senderId: string; recalledAt: number }): Uint8Array {
  return utf8(['wardline/recall/v1', input.messageId, input.senderId, input.recalledAt]);
}
