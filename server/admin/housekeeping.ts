/**
 * Periodic clean-up, also callable directly (tests, admin): expired envelopes go with
 * everything that refers to them (recipients, receipts, feed events), and so do expired MFA
 * challenges, stale throttle counters and long-dead sessions. Streams whose session has expired
 * are told so and closed.
 */
import { deleteExpiredChallenges } from '../accounts/mfa-challenge-store';
import { deleteDeadSessions } from '../accounts/session-store';
import { deleteStaleThrottles } from '../accounts/throttle-store';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { deleteExpiredEnvelopes } from '../relay/envelope-store';
import type { StreamRegistry } from '../stream/stream-registry';

/** Ended and expired sessions stay listed this long (for "where am I signed in"), then go. */
const DEAD_SESSION_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface SweepResult {
  readonly expiredEnvelopes: number;
}

export interface HousekeepingDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly streams: StreamRegistry;
  /** The longest throttle window in force: counters older than this are forgotten. */
  readonly throttleWindowMs: number;
}

export async function sweepExpired(deps: HousekeepingDeps): Promise<SweepResult> {
  const now = deps.clock();
  const expiredEnvelopes = await deleteExpiredEnvelopes(deps.db, now);
  await deleteExpiredChallenges(deps.db, now);
  await deleteStaleThrottles(deps.db, now, now - deps.throttleWindowMs);
  await deleteDeadSessions(deps.db, now - DEAD_SESSION_RETENTION_MS);
  await deps.streams.checkSessions();
  return { expiredEnvelopes };
}
