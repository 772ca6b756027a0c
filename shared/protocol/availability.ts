/**
 * A clinician's availability (issue 18): Available, Busy (in procedure), Do not disturb, or Off
 * duty with an optional covering colleague. Anything but Available lasts until a chosen time, at
 * most AVAILABILITY_MAX_AHEAD_MS ahead; past it the person is Available again. Nothing sweeps
 * expired rows: whoever answers (the server's directory, a workstation's notice rule) compares
 * `until` with its own clock, so an expired state is never shown and never acted on.
 *
 * The wire carries only the enumerated state, a time and a user id: no free text, so nothing a
 * person types about why they are away ever reaches the server or the audit trail.
 */
import { z } from 'zod';
import { epochMs, userId } from './identifiers';

export const AVAILABILITY_STATES = ['available', 'busy', 'dnd', 'off-duty'] as const;
export type AvailabilityState = (typeof AVAILABILITY_STATES)[number];
export const availabilityState = z.enum(AVAILABILITY_STATES);

/** How far ahead an availability may last: two weeks covers leave without forgetting it for good. */
export const AVAILABILITY_MAX_AHEAD_MS = 14 * 24 * 60 * 60 * 1000;

/** What a person asks for: `until` for anything but Available, a cover only when off duty. */
export const availabilityRequest = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('available') }),
  z.strictObject({ state: z.literal('busy'), until: epochMs }),
  z.strictObject({ state: z.literal('dnd'), until: epochMs }),
  z.strictObject({ state: z.literal('off-duty'), until: epochMs, coverUserId: userId.optional() }),
]);
export type AvailabilityRequest = z.infer<typeof availabilityRequest>;

export const availabilityCover = z.strictObject({ userId, displayName: z.string().max(200) });
export type AvailabilityCover = z.infer<typeof availabilityCover>;

/**
 * As the directory shows it: null while Available (or once expired, by the answering clock).
 * The cover is null when none was named, or when the named cover can no longer receive messages.
 */
export const availability = z
  .strictObject({
    state: z.enum(['busy', 'dnd', 'off-duty']),
    until: epochMs,
    cover: availabilityCover.nullable(),
  })
  .nullable();
export type Availability = z.infer<typeof availability>;
export type AwayState = Exclude<AvailabilityState, 'available'>;

export type UntilProblem = 'IN_THE_PAST' | 'TOO_FAR_AHEAD';

/** Why `until` cannot be accepted at `now`, or null: strictly ahead of now, at most two weeks ahead. */
export function untilProblem(until: number, now: number): UntilProblem | null {
  if (until <= now) return 'IN_THE_PAST';
  if (until - now > AVAILABILITY_MAX_AHEAD_MS) return 'TOO_FAR_AHEAD';
  return null;
}

/** The availability still in force at `now`: null once its time has passed. */
export function inForce(value: Availability, now: number): Availability {
  return value !== null && value.until > now ? value : null;
}
