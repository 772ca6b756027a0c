/**
 * Where SIEM forwarding stands (`siem_cursor`, one row): the next audit tree index to forward,
 * shared by every instance so forwarding resumes where it stopped after a restart or a takeover.
 */
import type { Database, Queryable } from '../db/database';
import { holdsLease, type LeaseTerm } from './siem-lease-store';

/** The row is made on first use: a trail stored before forwarding was configured goes from its start. */
export async function readSiemCursor(db: Queryable): Promise<number> {
  await db.query('INSERT INTO siem_cursor (id, next_index) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
  const rows = await db.query<{ next_index: number | string }>('SELECT next_index FROM siem_cursor WHERE id = 1');
  return Number(rows[0]?.next_index ?? 0);
}

/**
 * Moves the cursor to `to` (never backwards) only for the instance that holds the forwarding
 * lease in `term`, checked in the same transaction under the lease row's lock: a leader that
 * stalled past its lease (a long GC pause, a frozen VM) and wakes to report a delivery cannot
 * move the cursor its successor now owns. Answers false, changing nothing, if the term is over.
 */
export async function advanceSiemCursor(db: Database, term: LeaseTerm, to: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await holdsLease(tx, term))) return false;
    await tx.query('UPDATE siem_cursor SET next_index = GREATEST(next_index, $1) WHERE id = 1', [to]);
    return true;
  });
}
