/**
 * A role address's own message retention bound (migration 26): SQL only. Null is "the
 * organisation's bound"; the table's check keeps a set bound in the range of
 * shared/protocol/retention-days.ts. Who may change it and what is recorded is
 * role-retention-admin.ts's; how a run applies it is server/retention/'s.
 */
import type { Queryable } from '../db/database';

/**
 * Sets the address's own bound in days (null: back to the organisation's). Whether it differed,
 * or null for no such address. The comparison is in the UPDATE, so of concurrent equal sets one
 * changes the row and the rest, re-reading it after the first commits, change nothing.
 */
export async function updateRoleRetention(
  tx: Queryable,
  addressId: string,
  days: number | null,
): Promise<boolean | null> {
  const rows = await tx.query(
    `UPDATE role_addresses SET retention_days = $2::integer
     WHERE address_id = $1 AND retention_days IS DISTINCT FROM $2::integer RETURNING address_id`,
    [addressId, days],
  );
  if (rows.length === 1) return true;
  const exists = await tx.query('SELECT 1 FROM role_addresses WHERE address_id = $1', [addressId]);
  return exists.length === 1 ? false : null;
}
