/**
 * Where SIEM forwarding stands (`siem_cursor`, one row): the next audit tree index to forward,
 * shared by every instance so forwarding resumes where it stopped after a restart.
 */
import type { Queryable } from '../db/database';

/** The row is made on first use: a trail stored before forwarding was configured goes from its start. */
export async function readSiemCursor(db: Queryable): Promise<number> {
  await db.query('INSERT INTO siem_cursor (id, next_index) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
  const rows = await db.query<{ next_index: number | string }>('SELECT next_index FROM siem_cursor WHERE id = 1');
  return Number(rows[0]?.next_index ?? 0);
}

/** Never backwards: another instance may have moved it further meanwhile. */
export async function advanceSiemCursor(db: Queryable, to: number): Promise<void> {
  await db.query('UPDATE siem_cursor SET next_index = GREATEST(next_index, $1) WHERE id = 1', [to]);
}
