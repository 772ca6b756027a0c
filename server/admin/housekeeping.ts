/**
 * Periodic clean-up, also callable directly (tests, admin): expired envelopes go with
 * everything that refers to them (recipients, receipts, feed events, attachment blobs and their
 * chunks, by the cascade in the same statement) unless a legal hold keeps them (migration 23), and
 * what a released hold kept of recalled messages; blobs no message claimed within their time
 * (server/blobs/blob-limits.ts) go too, and so do expired MFA
 * challenges, stale throttle counters (never a hard lock), spent device proofs past their window
 * and long-dead sessions. Streams whose session has expired are told so and closed.
 */
import type { ThrottlePolicy } from '../accounts/attempt-throttle';
import { deleteExpiredChallenges } from '../accounts/mfa-challenge-store';
import { deleteDeadSessions } from '../accounts/session-store';
import { deleteExpiredProofs } from '../accounts/spent-proof-store';
import {
  ACCOUNT_AT_ADDRESS_THROTTLE_PREFIX,
  ACCOUNT_THROTTLE_PREFIX,
  ADDRESS_THROTTLE_PREFIX,
  deleteStaleThrottles,
} from '../accounts/throttle-store';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { deleteExpiredEnvelopes } from '../relay/envelope-store';
import type { BlobLimits } from '../blobs/blob-limits';
import { deleteStalePendingBlobs } from '../blobs/blob-store';
import { letGoUnheld } from '../holds/message-hold-store';
import type { StreamRegistry } from '../stream/stream-registry';

/** Ended and expired sessions stay listed this long (for "where am I signed in"), then go. */
const DEAD_SESSION_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface SweepResult {
  readonly expiredEnvelopes: number;
  /** Blobs uploaded and never sent with a message (or never finished) within their time. */
  readonly stalePendingBlobs: number;
}

export interface HousekeepingDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly streams: StreamRegistry;
  /** The sign-in throttles in force: each says when its counters are forgotten. */
  readonly throttles: {
    readonly account: ThrottlePolicy;
    readonly accountAtAddress: ThrottlePolicy;
    readonly address: ThrottlePolicy;
  };
  readonly blobs: Pick<BlobLimits, 'pendingTtlMs'>;
}

export async function sweepExpired(deps: HousekeepingDeps): Promise<SweepResult> {
  const now = deps.clock();
  const expiredEnvelopes = await deleteExpiredEnvelopes(deps.db, now);
  const stalePendingBlobs = await deleteStalePendingBlobs(deps.db, now - deps.blobs.pendingTtlMs);
  // What a released hold kept, should the release's own clean-up have failed.
  await letGoUnheld(deps.db);
  await deleteExpiredChallenges(deps.db, now);
  await deleteStaleThrottles(deps.db, ACCOUNT_THROTTLE_PREFIX, deps.throttles.account, now);
  await deleteStaleThrottles(deps.db, ACCOUNT_AT_ADDRESS_THROTTLE_PREFIX, deps.throttles.accountAtAddress, now);
  await deleteStaleThrottles(deps.db, ADDRESS_THROTTLE_PREFIX, deps.throttles.address, now);
  await deleteExpiredProofs(deps.db, now);
  await deleteDeadSessions(deps.db, now - DEAD_SESSION_RETENTION_MS);
  await deps.streams.checkSessions();
  return { expiredEnvelopes, stalePendingBlobs };
}
