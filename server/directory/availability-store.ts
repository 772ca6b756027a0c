/**
 * The SQL of availability (migration 17): one row per person who is not Available. Setting is one
 * upsert, so any number of concurrent sets leave exactly one row, the last to commit.
 */
import type { AwayState } from '../../shared/protocol/availability';
import type { Queryable } from '../db/database';

export interface StoredAvailability {
  readonly state: AwayState;
  readonly until: number;
  readonly coverUserId: string | null;
}

export async function storeAvailability(
  db: Queryable,
  userId: string,
  value: StoredAvailability,
  setAt: number,
): Promise<void> {
  await db.query(
    `INSERT INTO availability (user_id, state, until_at, cover_user_id, set_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state, until_at = EXCLUDED.until_at,
       cover_user_id = EXCLUDED.cover_user_id, set_at = EXCLUDED.set_at`,
    [userId, value.state, value.until, value.coverUserId, setAt],
  );
}

/** Available again: there is no row for it. */
export async function clearAvailability(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM availability WHERE user_id = $1', [userId]);
}

/**
 * The would-be cover's role and whether they are active, holding their account row against a
 * concurrent deactivation until the transaction ends (a deactivation commits first or waits).
 */
export async function lockCoverAccount(
  db: Queryable,
  userId: string,
): Promise<{ role: string; active: boolean } | null> {
  const [row] = await db.query<{ role: string; active: boolean }>(
    'SELECT role, active FROM accounts WHERE user_id = $1 FOR SHARE',
    [userId],
  );
  return row ?? null;
}
