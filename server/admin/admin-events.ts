/**
 * The record of every administrative action that is not an access change (those are
 * account_events): an account created, a role address saved and its members changed, a legal
 * hold placed or released, audit records purged, SIEM forwarding switched on, off or elsewhere,
 * an account locked out by failed sign-ins (the server's own doing) and unlocked by IT.
 * Who, what, to which object, and for a purge how many records received before when; never
 * names or content. Written in the transaction of the change (or by the purge function itself)
 * and folded into the server's audit chain afterwards (server/audit/server-trail.ts).
 */
import { userId as userIdSchema } from '../../shared/protocol/identifiers';
import { AUDIT_OUTBOX_LOCK_ID } from '../audit/audit-tree';
import type { Queryable } from '../db/database';

export const ADMIN_EVENT_ACTIONS = [
  'account.created',
  'role-address.saved',
  'role-address.member-added',
  'role-address.member-removed',
  'legal-hold.placed',
  'legal-hold.released',
  'audit.purged',
  'siem.enabled',
  'siem.disabled',
  'siem.changed',
  'account.locked-out',
  'account.unlocked',
] as const;
export type AdminEventAction = (typeof ADMIN_EVENT_ACTIONS)[number];

export interface AdminEvent {
  readonly at: number;
  /** A user id, or `server-operator` for the programmatic admin API. */
  readonly actor: string;
  readonly action: AdminEventAction;
  /** The account acted on, or whose records a hold covers; null for none or the whole trail. */
  readonly targetUserId: string | null;
  /** The object's own id where it is not an account: a hold id, a role address, a SIEM destination. */
  readonly subject: string | null;
  /** A purge: how many records lost their content. */
  readonly affected: number | null;
  /** A purge: records received before this time were eligible. */
  readonly receivedBefore: number | null;
  readonly outcome: 'success' | 'failure';
  /** A failure's code. */
  readonly reason: string | null;
}

/** The actor of what the server does by itself (a lockout): no user id, so the trail names no one. */
export const SERVER_ITSELF = '(server)';

/** Admin input that cannot be recorded as given; carries a code, never the input. */
export class AdminInputError extends Error {
  constructor(readonly code: 'INVALID_ACTOR' | 'INVALID_USER') {
    super(`Administrative action refused (${code}).`);
    this.name = 'AdminInputError';
  }
}

export const isUserId = (value: string): boolean => userIdSchema.safeParse(value).success;

/** The actor goes into the trail as a user id: anything else is refused before the action. */
export function checkedActor(actor: string): string {
  if (!isUserId(actor)) throw new AdminInputError('INVALID_ACTOR');
  return actor;
}

/** So is the account acted on. */
export function checkedUserId(userId: string): string {
  if (!isUserId(userId)) throw new AdminInputError('INVALID_USER');
  return userId;
}

export async function recordAdminEvent(
  tx: Queryable,
  event: Omit<AdminEvent, 'subject' | 'affected' | 'receivedBefore' | 'reason' | 'outcome'> & Partial<AdminEvent>,
): Promise<void> {
  await tx.query(
    // The outbox lock in the same statement (server/audit/audit-tree.ts: AUDIT_OUTBOX_LOCK_ID).
    `INSERT INTO admin_events (at, actor, action, target_user_id, subject, affected, received_before, outcome, reason)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM (SELECT pg_advisory_xact_lock_shared($10)) AS outbox`,
    [
      event.at,
      event.actor,
      event.action,
      event.targetUserId,
      event.subject ?? null,
      event.affected ?? null,
      event.receivedBefore ?? null,
      event.outcome ?? 'success',
      event.reason ?? null,
      AUDIT_OUTBOX_LOCK_ID,
    ],
  );
}

interface AdminEventRow {
  id: number | string;
  at: number | string;
  actor: string;
  action: AdminEventAction;
  target_user_id: string | null;
  subject: string | null;
  affected: number | string | null;
  received_before: number | string | null;
  outcome: 'success' | 'failure';
  reason: string | null;
  [column: string]: unknown;
}

const orNull = (value: number | string | null) => (value === null ? null : Number(value));

export function adminEventOf(row: AdminEventRow): AdminEvent {
  return {
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    targetUserId: row.target_user_id,
    subject: row.subject,
    affected: orNull(row.affected),
    receivedBefore: orNull(row.received_before),
    outcome: row.outcome,
    reason: row.reason,
  };
}

export async function adminEvents(db: Queryable, filter: { action?: AdminEventAction } = {}): Promise<AdminEvent[]> {
  const rows = await db.query<AdminEventRow>(
    'SELECT * FROM admin_events WHERE ($1::text IS NULL OR action = $1) ORDER BY id',
    [filter.action ?? null],
  );
  return rows.map(adminEventOf);
}

export type AdminEventWithId = AdminEvent & { readonly id: number };

/** Events after `afterId`, oldest first (the server trail's fold). */
export async function adminEventsAfter(db: Queryable, afterId: number, limit: number): Promise<AdminEventWithId[]> {
  const rows = await db.query<AdminEventRow>('SELECT * FROM admin_events WHERE id > $1 ORDER BY id LIMIT $2', [
    afterId,
    limit,
  ]);
  return rows.map((row) => ({ ...adminEventOf(row), id: Number(row.id) }));
}
