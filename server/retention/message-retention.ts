/**
 * How long the server keeps a message's ciphertext, decided without I/O: the organisation's
 * bound in days (server option `messageRetentionDays`), the cutoff a run deletes before, and
 * when the daily run is due. message-retention-run.ts does the deleting.
 *
 * The bound counts from acceptance (the server's own clock when it stored the envelope), never
 * from the sender's `sentAt`, which a wrong workstation clock could put anywhere. An envelope
 * goes once it has been kept the whole bound: accepted strictly before `now − days`, so one
 * accepted exactly at the cutoff stays until the next run.
 *
 * The default is six years, as for the audit trail: clinical communication may be part of the
 * record a hospital must produce, and deleting it early cannot be undone, while keeping it longer
 * costs only storage (of ciphertext nobody on the server can read). A hospital whose records
 * policy says otherwise sets its own bound.
 *
 * A role address may have a bound of its own (IT sets it, server/directory/role-retention-admin.ts):
 * envelopes whose signed header names that address go by it, everything else by the
 * organisation's. The range of both is shared/protocol/retention-days.ts's.
 */
import { MAX_MESSAGE_RETENTION_DAYS, MIN_MESSAGE_RETENTION_DAYS } from '../../shared/protocol/retention-days';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** A scheduled run is due this long after the last one finished. */
export const RUN_INTERVAL_MS = DAY_MS;
/** Envelopes deleted per transaction: PostgreSQL is never held by one huge statement. */
export const RETENTION_BATCH_SIZE = 500;

/** What a run deletes before: envelopes accepted strictly before `acceptedBefore`. */
export interface RetentionBound {
  readonly days: number;
  readonly acceptedBefore: number;
}

/** True for a whole number of days the server accepts as its bound. */
export function isRetentionDays(days: unknown): days is number {
  return (
    typeof days === 'number' &&
    Number.isInteger(days) &&
    days >= MIN_MESSAGE_RETENTION_DAYS &&
    days <= MAX_MESSAGE_RETENTION_DAYS
  );
}

/** Never before the epoch: nothing was accepted then, and the trail records times from it. */
export function retentionBound(days: number, now: number): RetentionBound {
  return { days, acceptedBefore: Math.max(0, now - days * DAY_MS) };
}

/** A scheduled run is due if the last one finished at or before this time (or none ever did). */
export function lastRunDueBy(now: number): number {
  return now - RUN_INTERVAL_MS;
}

/** The keyset position after the last envelope a batch looked at: the next batch starts after it. */
export interface RetentionCursor {
  readonly acceptedAt: number;
  readonly messageId: string;
}

/**
 * Which envelopes one pass of a run walks: those the organisation's bound governs (naming no role
 * address, or one without a bound of its own), or those of one address with its own bound.
 * Every envelope is in exactly one: a run never applies two bounds to one message.
 */
export type RetentionScope =
  { readonly kind: 'organisation' } | { readonly kind: 'role-address'; readonly addressId: string };

/** A role address with a bound of its own, as a run found it when it began. */
export interface RoleRetentionBound {
  readonly addressId: string;
  readonly days: number;
}
