/**
 * Retention of the audit trail: records are kept at least six years (the database refuses an
 * earlier delete, see migration 3), longer if the hospital's policy says so, and never while a
 * legal hold covers them (all records, or one user's). Holds are append-only too: placing and
 * releasing are both rows. Purging removes a record's content only; its leaf stays, so every
 * head ever signed can still be proven.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Database } from '../db/database';

export const MIN_RETENTION_YEARS = 6;
const YEAR_MS = 365.25 * 24 * 3600 * 1000;

export interface LegalHold {
  readonly holdId: string;
  /** null: the whole trail. */
  readonly userId: string | null;
  readonly placedAt: number;
  readonly placedBy: string;
}

export async function placeLegalHold(db: Database, clock: Clock, input: { userId: string | null; actor: string }): Promise<string> {
  const holdId = randomUUID();
  await db.query(`INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ($1, 'placed', $2, $3, $4)`, [holdId, input.userId, clock(), input.actor]);
  return holdId;
}

/** False if there is no such hold in force. */
export async function releaseLegalHold(db: Database, clock: Clock, input: { holdId: string; actor: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const open = await tx.query(
      `SELECT 1 FROM audit_legal_holds p WHERE p.hold_id = $1 AND p.event = 'placed'
       AND NOT EXISTS (SELECT 1 FROM audit_legal_holds r WHERE r.hold_id = p.hold_id AND r.event = 'released')`,
      [input.holdId],
    );
    if (open.length === 0) return false;
    await tx.query(`INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ($1, 'released', NULL, $2, $3)`, [input.holdId, clock(), input.actor]);
    return true;
  });
}

export async function legalHolds(db: Database): Promise<LegalHold[]> {
  const rows = await db.query<{ hold_id: string; user_id: string | null; at: number | string; actor: string }>(
    `SELECT p.hold_id, p.user_id, p.at, p.actor FROM audit_legal_holds p WHERE p.event = 'placed'
     AND NOT EXISTS (SELECT 1 FROM audit_legal_holds r WHERE r.hold_id = p.hold_id AND r.event = 'released') ORDER BY p.id`,
  );
  return rows.map((row) => ({ holdId: row.hold_id, userId: row.user_id, placedAt: Number(row.at), placedBy: row.actor }));
}

/**
 * Removes the content of records older than `retentionYears` (at least six) that no hold covers.
 * Returns how many went.
 */
export async function purgeExpiredAudit(db: Database, clock: Clock, retentionYears: number): Promise<number> {
  if (!(retentionYears >= MIN_RETENTION_YEARS)) throw new RangeError(`audit records are kept at least ${String(MIN_RETENTION_YEARS)} years`);
  const cutoff = Math.floor(clock() - retentionYears * YEAR_MS);
  const rows = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM audit_records r WHERE r.at < $1 AND NOT EXISTS (
         SELECT 1 FROM audit_legal_holds p WHERE p.event = 'placed' AND (p.user_id IS NULL OR p.user_id = r.actor_user_id)
           AND NOT EXISTS (SELECT 1 FROM audit_legal_holds x WHERE x.event = 'released' AND x.hold_id = p.hold_id))
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [cutoff],
  );
  return rows[0]?.n ?? 0;
}
