/**
 * Identifiers shared by client and server. User ids are short, case-insensitive handles
 * (`nurse.adams`); message and conversation ids are client-generated UUIDs, so a resent envelope
 * carries the same id and the server stores it once (the id is the idempotency key).
 */
import { z } from 'zod';

export const USER_ID_MAX = 64;

/** Lower-case letters, digits, dot, dash, underscore; starts with a letter or digit. */
export const userId = z
  .string()
  .min(1)
  .max(USER_ID_MAX)
  .regex(/^[a-z0-9][a-z0-9._-]*$/);

/**
 * The actor a SCIM token's changes are recorded under (server/scim/): `scim-<token id>`. It has
 * a user id's form, which is all the trail's actor field takes, and no account may have it
 * (account.ts), so a directory sync is never read as something a person did.
 */
export function scimTokenActor(tokenId: string): string {
  return `scim-${tokenId}`;
}

const SCIM_TOKEN_ACTOR = /^scim-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isScimTokenActor(id: string): boolean {
  return SCIM_TOKEN_ACTOR.test(id);
}

/** Users type ids in any case and with stray spaces; everything else sees this form. */
export function normalizeUserId(input: string): string {
  return input.trim().toLowerCase();
}

export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export const messageId = uuid;
export const conversationId = uuid;
export const deviceId = uuid;
/** A role address such as `role:oncall-cardiology`. */
export const roleAddressId = z
  .string()
  .max(80)
  .regex(/^role:[a-z0-9][a-z0-9-]*$/);

/**
 * An opaque patient reference issued by the hospital's systems (a wristband or chart token),
 * never a name or a birth date: it is what audit records carry to say which patient an access
 * concerned. The readable patient label travels only inside sealed message bodies.
 */
export const patientReference = z.string().regex(/^pat-[A-Za-z0-9]{4,40}$/);

/** Milliseconds since the epoch, as every timestamp on the wire. */
export const epochMs = z.number().int().nonnegative().max(8.64e15);
