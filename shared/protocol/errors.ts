/**
 * Every error the server answers with: a code and, for throttling, when to retry. Never a
 * message, a stack or an echo of the request. The client maps codes to its own typed errors.
 */
import { z } from 'zod';
import { MAX_RECIPIENTS } from './envelope';
import { userId } from './identifiers';

export const PROTOCOL_ERRORS = {
  MALFORMED_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  DEVICE_PROOF_INVALID: 401,
  MFA_INVALID: 401,
  MFA_EXPIRED: 401,
  /** An enrollment confirmed after another enrollment of the same account: the first one's secret stands. */
  MFA_ALREADY_ENROLLED: 409,
  /** An enrollment code that is wrong, spent or expired (or an id with none): the same answer for all. */
  ENROLLMENT_INVALID: 401,
  ACCOUNT_DISABLED: 403,
  /** Admin: that user id is taken (ids are never reused). */
  ACCOUNT_EXISTS: 409,
  /** Admin: an enrollment code for someone who has set a password (that would be a password reset). */
  ALREADY_ENROLLED: 409,
  FORBIDDEN: 403,
  /** A destructive route, and the session last proved the person too long ago: reauthenticate first. */
  REAUTHENTICATION_REQUIRED: 403,
  SENDER_MISMATCH: 403,
  /** IT removed this workstation: its device key signs nobody in, refreshes nothing, and syncs no audit records. */
  DEVICE_REVOKED: 403,
  /**
   * Department leads (shared/protocol/lead-template-api.ts): the caller leads no department now
   * (never made lead, IT cleared it, or their department changed since), checked at every request.
   */
  NOT_DEPARTMENT_LEAD: 403,
  /** A lead's change reaches past their own department: a template for another or for none, or a wider audience. */
  OUTSIDE_DEPARTMENT: 403,
  /** A lead's department already has as many active templates as a lead may keep (LEAD_TEMPLATES_MAX). */
  TEMPLATE_LIMIT_REACHED: 409,
  HOLD_LIMIT_REACHED: 409,
  /** Admin: only a person with a department and a role that sends messages can be made its lead. */
  LEAD_NOT_ELIGIBLE: 409,
  NOT_FOUND: 404,
  /** What IT typed to confirm a destructive action is not the name of what it would act on (a workstation to wipe). */
  CONFIRMATION_MISMATCH: 409,
  ENVELOPE_INVALID: 400,
  SIGNATURE_INVALID: 400,
  UNKNOWN_RECIPIENT: 400,
  /** A recipient's role does not take part in messaging (shared/access/permission-matrix.ts); `subjects` names them. */
  RECIPIENT_NOT_PERMITTED: 403,
  RECIPIENT_KEY_MISMATCH: 409,
  /**
   * `send`, on a server that archives (shared/protocol/archive-key.ts): the envelope has no key
   * entry for the archive key the server requires (what its sign-in answer named).
   */
  ARCHIVE_KEY_REQUIRED: 403,
  /** `send`: an archive key entry for another key than the one the server requires, or more than one. */
  ARCHIVE_KEY_MISMATCH: 403,
  /** `send`: the role address the signed header names does not exist (server/relay/role-address-tag.ts). */
  UNKNOWN_ROLE_ADDRESS: 400,
  /**
   * `send`: the envelope may not name that role address: neither the sender nor anyone it is
   * sealed for is a member, and its conversation never named it; or the conversation named another.
   */
  ROLE_ADDRESS_NOT_PERMITTED: 403,
  IDEMPOTENCY_CONFLICT: 409,
  /** The object exists already (a new role address's id), or is full (a role address at its member limit). */
  CONFLICT: 409,
  MESSAGE_EXPIRED: 410,
  /**
   * `send`: an attachment the header names is not one of the sender's own finished uploads
   * waiting for a message (unknown, someone else's, still uploading, or already sent).
   */
  ATTACHMENT_UNKNOWN: 409,
  /** A blob upload while the caller already holds too many (or too many bytes of) blobs sent with no message yet. */
  BLOB_QUOTA_EXCEEDED: 429,
  /** A signed time too far from the server's clock (shared/protocol/clock-skew.ts). */
  CLOCK_SKEW: 400,
  PAYLOAD_TOO_LARGE: 413,
  ACCOUNT_LOCKED: 423,
  THROTTLED: 429,
  /** Audit batches: the device key is not registered (no one has signed in here yet). */
  AUDIT_DEVICE_UNKNOWN: 401,
  AUDIT_SIGNATURE_INVALID: 400,
  /** The batch's hashes do not chain, or it does not continue what the server holds (a fork). */
  AUDIT_CHAIN_BROKEN: 409,
  /** Admin: another message retention run (on this or another instance) holds the job. */
  RETENTION_RUN_BUSY: 409,
  /** Admin: the database stopped a message retention run midway; what it did is on the server's chain. */
  RETENTION_RUN_FAILED: 503,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  /** WebSocket only: a frame that was not valid JSON or not a known frame. */
  MALFORMED_FRAME: 400,
} as const;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;
export const protocolErrorCodes = Object.keys(PROTOCOL_ERRORS) as [ProtocolErrorCode, ...ProtocolErrorCode[]];

export const errorResponse = z.strictObject({
  error: z.enum(protocolErrorCodes),
  /**
   * Seconds until another attempt may be made: with THROTTLED, and with a wrong password or code
   * after which the next attempt must wait. ACCOUNT_LOCKED carries none: it lasts until IT unlocks.
   */
  retryAfterSeconds: z.number().int().positive().optional(),
  /** The user ids the refusal is about, where the client must name them (RECIPIENT_NOT_PERMITTED). */
  subjects: z.array(userId).min(1).max(MAX_RECIPIENTS).optional(),
});
export type ErrorResponse = z.infer<typeof errorResponse>;

export function httpStatusOf(code: ProtocolErrorCode): number {
  return PROTOCOL_ERRORS[code];
}
