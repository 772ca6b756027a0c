/**
 * The rules of local message retention, pure (message-retention.ts runs them against the vault):
 * which acceptance time a run removes before, how often it runs, how far a first sync reaches,
 * and what the run's audit record says.
 *
 * Age is counted from the server's acceptance time, the time the vault stores and orders a
 * thread by (`sent_at`, feed-receiver.ts), not the sender's clock: a sender's clock set wrong
 * can then neither keep a message here for ever nor have it removed at once, and the bound is
 * the same one the server's own retention counts from, so "older than N days here" and "kept N
 * days after acceptance there" mean the same day.
 */
import { actionEvent, type ActionEvent } from '../../shared/audit/audit-event-builder';

export const DAY_MS = 86_400_000;

/** A run at unlock, then one a day while the session stays unlocked. */
export const RETENTION_EVERY_MS = DAY_MS;

/** Messages deleted per transaction: small enough that the vault answers other calls between them. */
export const RETENTION_BATCH = 200;

/** The acceptance time before which messages go: strictly older than `days` days at `now` (exactly at it stays). */
export function retentionBound(days: number, now: number): number {
  return now - days * DAY_MS;
}

/**
 * Where a workstation's first sync of a clinician's feed starts: the usual window, but never
 * further back than retention keeps, so nothing is fetched only to be removed by the first run.
 */
export function firstSyncSince(now: number, windowMs: number, days: number | null): number {
  const window = now - windowMs;
  return days === null ? window : Math.max(window, retentionBound(days, now));
}

export interface RetentionRun {
  readonly days: number;
  readonly removedBefore: number;
  readonly messages: number;
  readonly attachments: number;
  /** The store's code if the run stopped on an error (what went before it is counted). */
  readonly failure: string | null;
}

/** The run's record: the bound and counts, never which messages (their ids would say whose). */
export function retentionEvent(run: RetentionRun): ActionEvent {
  return actionEvent({
    action: 'vault.retention-applied',
    object: {
      kind: 'message-retention',
      days: run.days,
      removedBefore: run.removedBefore,
      messages: run.messages,
      attachments: run.attachments,
    },
    ...(run.failure === null ? {} : { outcome: 'failure' as const, reason: run.failure }),
  });
}
