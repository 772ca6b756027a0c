/**
 * Throttle state per key in the database, shared by every instance (the rule itself is
 * attempt-throttle.ts). Letting an attempt through and counting it happen in one transaction
 * holding the keys' row locks, so concurrent attempts are decided one after the other, each
 * seeing the places the others took.
 */
import { err, ok, type Result } from '../../shared/result';
import type { Database, Queryable } from '../db/database';
import {
  afterReservation,
  throttleVerdict,
  type ThrottlePolicy,
  type ThrottleState,
  type ThrottleVerdict,
} from './attempt-throttle';

interface ThrottleRow {
  failures: number;
  last_attempt_at: number | string;
  locked_at: number | string | null;
  [column: string]: unknown;
}

const fromRow = (row: ThrottleRow): ThrottleState => ({
  failures: row.failures,
  lastAttemptAt: Number(row.last_attempt_at),
});

export const ACCOUNT_THROTTLE_PREFIX = 'account:';
export const ACCOUNT_AT_ADDRESS_THROTTLE_PREFIX = 'account-at-address:';
export const ADDRESS_THROTTLE_PREFIX = 'address:';
export const accountThrottleKey = (userId: string) => `${ACCOUNT_THROTTLE_PREFIX}${userId}`;
/** Every key of one account at some address starts so (a user id never holds a `/`). */
const accountAtAddressPrefix = (userId: string) => `${ACCOUNT_AT_ADDRESS_THROTTLE_PREFIX}${userId}/`;
export const accountAtAddressThrottleKey = (userId: string, address: string) =>
  `${accountAtAddressPrefix(userId)}${address}`;
export const addressThrottleKey = (address: string) => `${ADDRESS_THROTTLE_PREFIX}${address}`;

export interface ThrottledKey {
  readonly key: string;
  readonly policy: ThrottlePolicy;
}

/** An attempt's place under one key: its failures counting this attempt, and the last attempt before it. */
export interface Place {
  readonly place: number;
  readonly previousAttemptAt: number;
}

/** Which key refused (its index in the keys given), and why; nothing was counted. */
export interface ThrottleRefusal {
  readonly refusedBy: number;
  readonly verdict: Exclude<ThrottleVerdict, { allowed: true }>;
}

/** The attempt's place under each key, in the order given, or the refusal. */
export type Reservation = Result<readonly Place[], ThrottleRefusal>;

/**
 * Lets one attempt through every key, counted as a failure on each, or refuses it on the first
 * key that says no and counts nothing. Keys are locked in the order given; callers always give
 * the account, then the account at the address, then the address, so two attempts never wait
 * on each other in a circle.
 */
export async function reserveAttempt(db: Database, keys: readonly ThrottledKey[], now: number): Promise<Reservation> {
  return db.transaction(async (tx) => {
    const states: (ThrottleState | null)[] = [];
    for (const [index, { key, policy }] of keys.entries()) {
      // Inserting first gives the row lock something to hold even on a key's first attempt.
      await tx.query(
        'INSERT INTO auth_throttle (key, failures, last_attempt_at) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING',
        [key, now],
      );
      const rows = await tx.query<ThrottleRow>(
        'SELECT failures, last_attempt_at, locked_at FROM auth_throttle WHERE key = $1 FOR UPDATE',
        [key],
      );
      const state = rows[0] && rows[0].failures > 0 ? fromRow(rows[0]) : null;
      const verdict = throttleVerdict(state, policy, now);
      if (!verdict.allowed) return err({ refusedBy: index, verdict });
      states.push(state);
    }
    const places: Place[] = [];
    for (const [index, { key, policy }] of keys.entries()) {
      const before = states[index] ?? null;
      const next = afterReservation(before, policy, now);
      await tx.query('UPDATE auth_throttle SET failures = $2, last_attempt_at = $3 WHERE key = $1', [
        key,
        next.failures,
        next.lastAttemptAt,
      ]);
      places.push({ place: next.failures, previousAttemptAt: before?.lastAttemptAt ?? now });
    }
    return ok(places);
  });
}

/**
 * Hands back `count` counted failures: one for an attempt that turned out not to be a failure,
 * or an attempt's place on success (the failures before it are forgiven, any after it stand).
 * The attempt made at `reservedAt` is no longer the last one either: unless another has come
 * since, the last attempt is the one before it again, so a right password sets no wait for its
 * code. Every key is then below its hard lock (a place never exceeds it), so no lock is on record.
 */
export async function giveBack(
  db: Queryable,
  key: string,
  count: number,
  reservedAt: number,
  previousAttemptAt: number,
): Promise<void> {
  await db.query(
    `UPDATE auth_throttle SET failures = GREATEST(failures - $2, 0), locked_at = NULL,
       last_attempt_at = CASE WHEN last_attempt_at = $3 THEN $4 ELSE last_attempt_at END
     WHERE key = $1`,
    [key, count, reservedAt, previousAttemptAt],
  );
}

/**
 * After a failed attempt at place `hardLockAt` or beyond: if the key is locked now and no lock
 * is on record yet, records it (`onLocked` in the same transaction) and answers true. One
 * statement marks the lock, so it is recorded once however many attempts end together.
 */
export async function confirmHardLock(
  db: Database,
  key: string,
  hardLockAt: number,
  now: number,
  onLocked: (tx: Queryable) => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const marked = await tx.query(
      'UPDATE auth_throttle SET locked_at = $2 WHERE key = $1 AND failures >= $3 AND locked_at IS NULL RETURNING key',
      [key, now, hardLockAt],
    );
    if (marked.length === 0) {
      const rows = await tx.query<ThrottleRow>('SELECT failures FROM auth_throttle WHERE key = $1', [key]);
      return (rows[0]?.failures ?? 0) >= hardLockAt;
    }
    await onLocked(tx);
    return true;
  });
}

export interface ThrottleStatus extends ThrottleState {
  /** When a hard lock was recorded, if one is in force. */
  readonly lockedAt: number | null;
}

export async function readThrottle(db: Queryable, key: string): Promise<ThrottleStatus | null> {
  const rows = await db.query<ThrottleRow>(
    'SELECT failures, last_attempt_at, locked_at FROM auth_throttle WHERE key = $1',
    [key],
  );
  const row = rows[0];
  return row ? { ...fromRow(row), lockedAt: row.locked_at === null ? null : Number(row.locked_at) } : null;
}

/**
 * Forgets an account's throttle altogether (IT unlocking it): its hard lock and its waits at
 * every address. What its account-wide key held, or null if nothing.
 */
export async function clearAccountThrottle(db: Queryable, userId: string): Promise<ThrottleStatus | null> {
  await db.query('DELETE FROM auth_throttle WHERE starts_with(key, $1)', [accountAtAddressPrefix(userId)]);
  const rows = await db.query<ThrottleRow>(
    'DELETE FROM auth_throttle WHERE key = $1 RETURNING failures, last_attempt_at, locked_at',
    [accountThrottleKey(userId)],
  );
  const row = rows[0];
  return row ? { ...fromRow(row), lockedAt: row.locked_at === null ? null : Number(row.locked_at) } : null;
}

/** Forgets the keys under `prefix` that `policy` no longer remembers (attempt-throttle.ts throttleStale). */
export async function deleteStaleThrottles(
  db: Queryable,
  prefix: string,
  policy: ThrottlePolicy,
  now: number,
): Promise<void> {
  await db.query(
    'DELETE FROM auth_throttle WHERE starts_with(key, $1) AND last_attempt_at <= $2 AND ($3::integer IS NULL OR failures < $3::integer)',
    [prefix, now - policy.forgetAfterMs, policy.hardLockAt],
  );
}
