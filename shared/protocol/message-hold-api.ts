/**
 * Legal holds on messages and the eDiscovery export of a matter (issue 20): the compliance
 * officer's routes (`holds.manage`). A hold covers a custodian (everything they sent or were a
 * recipient of) or a conversation, for a matter; while any hold covers a message the server keeps
 * its ciphertext, recall, receipts and attachment blobs whatever recall, expiry or retention
 * would do (server migration 23). Recipients still see recalled and expired messages go.
 *
 * A matter is its name: the holds that share it are exported together. The name is the
 * compliance team's own label (it may name a party), so it is kept with the hold rows and shown
 * to compliance officers, never written to the audit chain, which names the hold id, the reason
 * code and the custodian.
 *
 * The export is ciphertext only, paged: envelopes as the sender sealed them (each also sealed to
 * the organisation's archive key), with the recall signature and receipts the server holds; the
 * attachment blobs come by `GET /v1/compliance/blobs/<blobId>` (raw bytes, like blob-api.ts).
 */
import { z } from 'zod';
import { ROLES } from '../access/permission-matrix';
import { signature } from './binary';
import { blobId } from './blob-api';
import { conversationId, epochMs, messageId, userId, uuid } from './identifiers';
import type { RouteSpec } from './route-spec';
import { signingKeyHistory } from './signing-key-history';

export const HOLD_REASON_CODES = [
  'litigation',
  'anticipated-litigation',
  'regulatory-inquiry',
  'internal-investigation',
  'subpoena',
] as const;
export type HoldReasonCode = (typeof HOLD_REASON_CODES)[number];

/** Most holds in force at once: a bound on what every delete's trigger reads. */
export const MAX_HOLDS_IN_FORCE = 500;
/**
 * Messages per export page: 25 of the largest envelopes (256 KiB of JSON each) with their
 * receipts stay well under the client's 16 MiB answer limit, whatever a custodian sends.
 */
export const MATTER_PAGE_MAX = 25;

export const COMPLIANCE_BLOBS_PATH = '/v1/compliance/blobs';
export function complianceBlobPath(id: string): `/v1/compliance/blobs/${string}` {
  return `${COMPLIANCE_BLOBS_PATH}/${id}`;
}

/** Trimmed, one line, 1–120 characters. */
export const matterName = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u, 'one line of visible text');

export const messageHold = z.strictObject({
  holdId: uuid,
  matter: matterName,
  reasonCode: z.enum(HOLD_REASON_CODES),
  /** Exactly one of custodian and conversation. */
  custodian: z.strictObject({ userId, displayName: z.string().max(200) }).nullable(),
  conversationId: conversationId.nullable(),
  placedAt: epochMs,
  placedBy: userId,
});
export type MessageHold = z.infer<typeof messageHold>;

export const placeHoldRequest = z.union([
  z.strictObject({ matter: matterName, reasonCode: z.enum(HOLD_REASON_CODES), custodianId: userId }),
  z.strictObject({ matter: matterName, reasonCode: z.enum(HOLD_REASON_CODES), conversationId }),
]);

/** Where the next page starts: after this message, in acceptance order. */
export const matterCursor = z.strictObject({ acceptedAt: epochMs, messageId });
export type MatterCursor = z.infer<typeof matterCursor>;

export const HELD_MESSAGE_STATES = ['standing', 'recalled', 'expired'] as const;

export const heldMessage = z.strictObject({
  /** The envelope JSON exactly as stored (and as signed): parsed by the reader, never here. */
  envelopeJson: z.string().max(256 * 1024),
  acceptedAt: epochMs,
  expiresAt: epochMs.nullable(),
  state: z.enum(HELD_MESSAGE_STATES),
  recall: z.strictObject({ recalledAt: epochMs, signature }).nullable(),
  /** Delivered and read receipts, and acknowledgements, as the server took them. */
  receipts: z
    .array(z.strictObject({ userId, kind: z.enum(['delivered', 'read', 'acknowledged']), at: epochMs }))
    .max(1000),
  blobs: z.array(z.strictObject({ blobId, size: z.number().int().nonnegative() })).max(10),
});
export type HeldMessage = z.infer<typeof heldMessage>;

/**
 * Who the page's messages name (senders and recipients), with names for a reviewer and every
 * signing key they have published up to the page's time, from the server's key history (a person
 * whose keys a password reset removed is still here, with the keys they had).
 */
export const matterPerson = z.strictObject({
  userId,
  signingKeys: signingKeyHistory,
  displayName: z.string().max(200),
  role: z.enum(ROLES),
});
export type MatterPerson = z.infer<typeof matterPerson>;

const HOLDS = { auth: 'session', permission: 'holds.manage' } as const;

export const messageHoldRoutes = {
  /** Every hold in force, oldest first. */
  messageHolds: {
    method: 'GET',
    path: '/v1/compliance/holds',
    ...HOLDS,
    request: z.strictObject({}),
    response: z.strictObject({ holds: z.array(messageHold).max(MAX_HOLDS_IN_FORCE) }),
  },
  /** NOT_FOUND for a custodian who has no account; HOLD_LIMIT_REACHED past MAX_HOLDS_IN_FORCE. */
  placeMessageHold: {
    method: 'POST',
    path: '/v1/compliance/holds/place',
    ...HOLDS,
    request: placeHoldRequest,
    response: z.strictObject({ hold: messageHold }),
  },
  /** Lets retention, recall and expiry resume: the person must have proved themselves lately. */
  releaseMessageHold: {
    method: 'POST',
    path: '/v1/compliance/holds/release',
    ...HOLDS,
    fresh: true,
    request: z.strictObject({ holdId: uuid }),
    response: z.strictObject({ releasedAt: epochMs }),
  },
  /** A page of the matter's held messages; NOT_FOUND when no hold in force has that matter. */
  matterMessages: {
    method: 'POST',
    path: '/v1/compliance/matters/messages',
    ...HOLDS,
    request: z.strictObject({
      matter: matterName,
      after: matterCursor.nullable(),
      /** The first page's `at`, for the pages after it: all are read as of one time. */
      asOf: epochMs.optional(),
    }),
    response: z.strictObject({
      messages: z.array(heldMessage).max(MATTER_PAGE_MAX),
      people: z.array(matterPerson).max(MATTER_PAGE_MAX * 101),
      next: matterCursor.nullable(),
      /** The server's time of the page: states are as of it, and so is the export. */
      at: epochMs,
    }),
  },
  /**
   * Records on the server's chain that the matter was exported as the package with this digest
   * (SHA-256 of its canonical bytes, ediscovery-package.ts), once the server has rebuilt the same
   * package from what it holds (server/holds/matter-export-record.ts): the package then carries
   * that record with its inclusion proof, found by the officer's audit search. NOT_FOUND as for a
   * page; CONFLICT for any other digest, nothing recorded.
   */
  recordMatterExport: {
    method: 'POST',
    path: '/v1/compliance/matters/exported',
    ...HOLDS,
    request: z.strictObject({
      matter: matterName,
      digest: z.string().regex(/^[0-9a-f]{64}$/),
      /** The first page's `at`: the package holds what was accepted until then, states as of then. */
      exportedAt: epochMs,
      /** The archive key the package expects its messages sealed to (the workstation's policy). */
      archiveFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    }),
    response: z.strictObject({ recordedAt: epochMs }),
  },
} as const satisfies Record<string, RouteSpec>;

/** Who may download a held blob: compliance officers, for a blob of a message a hold covers. */
export const COMPLIANCE_BLOB_ACCESS = HOLDS;
