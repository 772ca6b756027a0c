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
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor, checkedUserId } from '../admin/admin-events';
import { SERVER_OPERATOR } from '../accounts/account-events';
import { holdInForce, insertHoldPlaced, insertHoldReleased, purgeExpiredRecords } from './legal-hold-store';

export const MIN_RETENTION_YEARS = 6;
const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
    await insertHoldPlaced(tx, { holdId, userId: input.userId, at, actor });
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
    const hold = await holdInForce(tx, input.holdId);
    if (hold === null) return false;
    const at = clock();
    await insertHoldReleased(tx, { holdId: input.holdId, at, actor });
    // The release names whose records were held, so the trail reads without the placing record.
    await recordAdminEvent(tx, {
      at,
      actor,
      action: 'legal-hold.released',
      targetUserId: hold.userId,
      subject: input.holdId,
    });
    return true;
  });
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
    return await purgeExpiredRecords(db, { receivedBefore, actor, at: now });
  } catch (error) {
    await refused('AUDIT_PURGE_FAILED').catch(() => undefined);
    throw error;
  }
}
