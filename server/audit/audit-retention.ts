/**
 * Retention of the audit trail: records are kept at least six years from the moment the server
 * received them (never from the workstation's `at`, which a wrong clock could put in 1970; the
 * database refuses an earlier delete, see migration 6), longer if the hospital's policy says so,
 * and never while a legal hold covers them (all records, or one user's). Holds are append-only
 * too: placing and releasing are both rows. Purging removes a record's content only; its leaf
 * stays, so every head ever signed can still be proven. Each hold, release and purge (refused
 * ones too) is an admin event, and so joins the server's audit chain.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { checkedActor, checkedUserId, recordAdminEvent } from '../admin/admin-events';
import { SERVER_OPERATOR } from '../accounts/account-events';

export const MIN_RETENTION_YEARS = 6;
const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface LegalHold {
  readonly holdId: string;
  /** null: the whole trail. */
  readonly userId: string | null;
  readonly placedAt: number;
  readonly placedBy: string;
}

export async function placeLegalHold(
  db: Database,
  clock: Clock,
  input: { userId: string | null; actor: string },
): Promise<string> {
  const actor = checkedActor(input.actor);
  if (input.userId !== null) checkedUserId(input.userId);
  const holdId = randomUUID();
  await db.transaction(async (tx) => {
    const at = clock();
    await tx.query(
      `INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ($1, 'placed', $2, $3, $4)`,
      [holdId, input.userId, at, actor],
    );
    await recordAdminEvent(tx, { at, actor, action: 'legal-hold.placed', targetUserId: input.userId, subject: holdId });
  });
  return holdId;
}

/** False if there is no such hold in force. */
export async function releaseLegalHold(
  db: Database,
  clock: Clock,
  input: { holdId: string; actor: string },
): Promise<boolean> {
  const actor = checkedActor(input.actor);
  // Not a hold id at all: no such hold (the database would refuse the comparison).
  if (!UUID.test(input.holdId)) return false;
  return db.transaction(async (tx) => {
    const open = await tx.query<{ user_id: string | null }>(
      `SELECT p.user_id FROM audit_legal_holds p WHERE p.hold_id = $1 AND p.event = 'placed'
       AND NOT EXISTS (SELECT 1 FROM audit_legal_holds r WHERE r.hold_id = p.hold_id AND r.event = 'released')`,
      [input.holdId],
    );
    const [hold] = open;
    if (hold === undefined) return false;
    const at = clock();
    await tx.query(
      `INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ($1, 'released', NULL, $2, $3)`,
      [input.holdId, at, actor],
    );
    // The release names whose records were held, so the trail reads without the placing record.
    await recordAdminEvent(tx, {
      at,
      actor,
      action: 'legal-hold.released',
      targetUserId: hold.user_id,
      subject: input.holdId,
    });
    return true;
  });
}

export async function legalHolds(db: Database): Promise<LegalHold[]> {
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

/** A purge asked for less than the minimum retention: refused, and recorded as refused. */
export class RetentionTooShortError extends RangeError {
  readonly code = 'AUDIT_RETENTION_TOO_SHORT';
  constructor() {
    super(`audit records are kept at least ${String(MIN_RETENTION_YEARS)} years`);
    this.name = 'RetentionTooShortError';
  }
}

/**
 * Removes the content of records received more than `retentionYears` (at least six) ago that
 * no hold covers, through the database's audit_purge_expired (which never goes past six years by
 * its own clock and records the purge). Returns how many went. A refused or failed purge is
 * recorded too, with its reason.
 */
export async function purgeExpiredAudit(
  db: Database,
  clock: Clock,
  retentionYears: number,
  actor: string = SERVER_OPERATOR,
): Promise<number> {
  checkedActor(actor);
  const refused = async (reason: string) => {
    await recordAdminEvent(db, {
      at: clock(),
      actor,
      action: 'audit.purged',
      targetUserId: null,
      outcome: 'failure',
      reason,
    });
  };
  if (!(retentionYears >= MIN_RETENTION_YEARS)) {
    await refused('AUDIT_RETENTION_TOO_SHORT');
    throw new RetentionTooShortError();
  }
  const now = clock();
  const receivedBefore = Math.floor(now - retentionYears * YEAR_MS);
  try {
    const rows = await db.query<{ n: number | string }>('SELECT audit_purge_expired($1, $2, $3) AS n', [
      receivedBefore,
      actor,
      now,
    ]);
    return Number(rows[0]?.n ?? 0);
  } catch (error) {
    await refused('AUDIT_PURGE_FAILED').catch(() => undefined);
    throw error;
  }
}
