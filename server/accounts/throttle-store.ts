/**
 * Throttle state per key in the database, shared by every instance. Recording a failure locks
 * the row, so concurrent failures are all counted.
 */
import type { Database, Queryable } from '../db/database';
import { afterFailure, type ThrottlePolicy, type ThrottleState } from './attempt-throttle';

interface ThrottleRow {
  failures: number;
  window_started_at: number;
  locked_until: number | null;
  [column: string]: unknown;
}

const fromRow = (row: ThrottleRow): ThrottleState => ({
  failures: row.failures,
  windowStartedAt: row.window_started_at,
  lockedUntil: row.locked_until,
});

export const accountThrottleKey = (userId: string) => `account:${userId}`;
export const addressThrottleKey = (address: string) => `address:${address}`;

export async function readThrottle(db: Queryable, key: string): Promise<ThrottleState | null> {
  const rows = await db.query<ThrottleRow>('SELECT failures, window_started_at, locked_until FROM auth_throttle WHERE key = $1', [key]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Counts one failure; `onLocked` runs in the same transaction when this failure locks the key
 * (not when it lands on a lock already in force), so what it writes stands or falls with the lock.
 */
export async function recordThrottleFailure(
  db: Database,
  key: string,
  policy: ThrottlePolicy,
  now: number,
  onLocked?: (tx: Queryable) => Promise<void>,
): Promise<ThrottleState> {
  return db.transaction(async (tx) => {
    // Inserting first gives the row lock something to hold even on the first failure.
    await tx.query('INSERT INTO auth_throttle (key, failures, window_started_at) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING', [key, now]);
    const rows = await tx.query<ThrottleRow>('SELECT failures, window_started_at, locked_until FROM auth_throttle WHERE key = $1 FOR UPDATE', [key]);
    const current = rows[0] && rows[0].failures > 0 ? fromRow(rows[0]) : null;
    const next = afterFailure(current, policy, now);
    await tx.query('UPDATE auth_throttle SET failures = $2, window_started_at = $3, locked_until = $4 WHERE key = $1', [
      key,
      next.failures,
      next.windowStartedAt,
      next.lockedUntil,
    ]);
    const alreadyLocked = current?.lockedUntil != null && current.lockedUntil > now;
    if (next.lockedUntil !== null && !alreadyLocked) await onLocked?.(tx);
    return next;
  });
}

export async function clearThrottle(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM auth_throttle WHERE key = $1', [key]);
}

/** Forgets keys with no lock in force whose window ended before `olderThan`. */
export async function deleteStaleThrottles(db: Queryable, now: number, olderThan: number): Promise<void> {
  await db.query('DELETE FROM auth_throttle WHERE (locked_until IS NULL OR locked_until <= $1) AND window_started_at < $2', [now, olderThan]);
}
