/**
 * A role address's own escalation times (migration 19): SQL only. Null columns are "the
 * organisation's times"; the table's check keeps a row to one whole set or none. Who may change
 * them and what is recorded is role-escalation-admin.ts's; what the directory serves is
 * directory-search.ts's.
 */
import type { RoleEscalationTimes } from '../../shared/protocol/escalation';
import type { Queryable } from '../db/database';

/** The three columns as a select list, for queries that read an address's row anyway. */
export const ESCALATION_COLUMNS =
  'escalation_repeat_every_ms, escalation_backup_after_ms, escalation_everyone_after_ms';

export type EscalationRow = {
  readonly escalation_repeat_every_ms: number | null;
  readonly escalation_backup_after_ms: number | null;
  readonly escalation_everyone_after_ms: number | null;
};

/** The row's own times, or null where it follows the organisation's. */
export function escalationOf(row: EscalationRow): RoleEscalationTimes | null {
  if (row.escalation_backup_after_ms === null || row.escalation_everyone_after_ms === null) return null;
  return {
    repeatEveryMs: row.escalation_repeat_every_ms,
    backupAfterMs: row.escalation_backup_after_ms,
    everyoneAfterMs: row.escalation_everyone_after_ms,
  };
}

/**
 * Sets the address's own times (null: back to the organisation's). Whether they differed, or
 * null for no such address. The comparison is in the UPDATE, so of concurrent equal sets one
 * changes the row and the rest, re-reading it after the first commits, change nothing.
 */
export async function updateRoleEscalation(
  tx: Queryable,
  addressId: string,
  times: RoleEscalationTimes | null,
): Promise<boolean | null> {
  const values = [times?.repeatEveryMs ?? null, times?.backupAfterMs ?? null, times?.everyoneAfterMs ?? null];
  const rows = await tx.query(
    `UPDATE role_addresses SET escalation_repeat_every_ms = $2::integer, escalation_backup_after_ms = $3::integer,
       escalation_everyone_after_ms = $4::integer
     WHERE address_id = $1 AND (${ESCALATION_COLUMNS}) IS DISTINCT FROM ($2::integer, $3::integer, $4::integer)
     RETURNING address_id`,
    [addressId, ...values],
  );
  if (rows.length === 1) return true;
  const exists = await tx.query('SELECT 1 FROM role_addresses WHERE address_id = $1', [addressId]);
  return exists.length === 1 ? false : null;
}
