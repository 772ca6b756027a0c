/**
 * Legal holds (`audit_legal_holds`: append-only, placing and releasing are both rows) and the
 * purge of expired audit content, which goes only through the database's checked function
 * audit_purge_expired (migrations 6 and 7): it keeps six years by its own clock, skips held
 * records, leaves each purged record's stub and records the purge itself.
 */
import type { Queryable } from '../db/database';

export interface LegalHold {
  readonly holdId: string;
  /** null: the whole trail. */
  readonly userId: string | null;
  readonly placedAt: number;
  readonly placedBy: string;
}

export async function insertHoldPlaced(
  tx: Queryable,
  hold: { holdId: string; userId: string | null; at: number; actor: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ($1, 'placed', $2, $3, $4)`,
    [hold.holdId, hold.userId, hold.at, hold.actor],
  );
}

export async function insertHoldReleased(
  tx: Queryable,
  release: { holdId: string; at: number; actor: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ($1, 'released', NULL, $2, $3)`,
    [release.holdId, release.at, release.actor],
  );
}

/** A hold placed and not released, by its id (a UUID): whose records it covers; null if none is in force. */
export async function holdInForce(tx: Queryable, holdId: string): Promise<{ userId: string | null } | null> {
  const rows = await tx.query<{ user_id: string | null }>(
    `SELECT p.user_id FROM audit_legal_holds p WHERE p.hold_id = $1 AND p.event = 'placed'
       AND NOT EXISTS (SELECT 1 FROM audit_legal_holds r WHERE r.hold_id = p.hold_id AND r.event = 'released')`,
    [holdId],
  );
  const [hold] = rows;
  return hold === undefined ? null : { userId: hold.user_id };
}

/** Every hold in force, in the order placed. */
export async function legalHolds(db: Queryable): Promise<LegalHold[]> {
  const rows = await db.query<{ hold_id: string; user_id: string | null; at: number | string; actor: string }>(
    `SELECT p.hold_id, p.user_id, p.at, p.actor FROM audit_legal_holds p WHERE p.event = 'placed'
     AND NOT EXISTS (SELECT 1 FROM audit_legal_holds r WHERE r.hold_id = p.hold_id AND r.event = 'released') ORDER BY p.id`,
  );
  return rows.map((row) => ({
    holdId: row.hold_id,
    userId: row.user_id,
    placedAt: Number(row.at),
    placedBy: row.actor,
  }));
}

/** Calls audit_purge_expired: how many records lost their content. */
export async function purgeExpiredRecords(
  db: Queryable,
  input: { receivedBefore: number; actor: string; at: number },
): Promise<number> {
  const rows = await db.query<{ n: number | string }>('SELECT audit_purge_expired($1, $2, $3) AS n', [
    input.receivedBefore,
    input.actor,
    input.at,
  ]);
  return Number(rows[0]?.n ?? 0);
}
