/**
 * The alerts a STAT message's signed plan schedules (shared/protocol/escalation.ts), one row each,
 * written with the envelope; done when released, or cancelled by an acknowledgement or a recall.
 * Due alerts are claimed with SKIP LOCKED, so several server instances release each one once.
 */
import { alertTimes, type EscalationPlan } from '../../shared/protocol/escalation';
import type { ComposedStatement } from '../db/composed-statement';
import type { Queryable } from '../db/database';

/** Schedules the plan's alerts, if `gate` has its row (the envelope was inserted). */
export function scheduleEscalationPart(
  s: ComposedStatement,
  gate: string,
  messageId: string,
  plan: EscalationPlan,
  acceptedAt: number,
): void {
  const alerts = alertTimes(plan);
  if (alerts.length === 0) return;
  s.with(
    'alerts_scheduled',
    `INSERT INTO escalation_alerts (message_id, seq, step, due_at)
     SELECT ${s.param(messageId)}, ord::int - 1, st, due FROM ${gate},
       unnest(${s.param(alerts.map((alert) => alert.step))}::int[], ${s.param(alerts.map((alert) => acceptedAt + alert.afterMs))}::bigint[])
       WITH ORDINALITY AS t(st, due, ord)`,
  );
}

/** Ends what is still pending for the message (it was acknowledged or recalled). */
export async function cancelEscalation(tx: Queryable, messageId: string, now: number): Promise<void> {
  await tx.query('UPDATE escalation_alerts SET done_at = $2 WHERE message_id = $1 AND done_at IS NULL', [
    messageId,
    now,
  ]);
}

export interface DueAlert {
  readonly messageId: string;
  readonly seq: number;
  readonly step: number | null;
}

/** Up to `limit` alerts due at `now`, oldest first, locked for this transaction; others' claims are skipped. */
export async function claimDueAlerts(tx: Queryable, now: number, limit: number): Promise<DueAlert[]> {
  const rows = await tx.query<{ message_id: string; seq: number; step: number | null }>(
    `SELECT message_id, seq, step FROM escalation_alerts WHERE done_at IS NULL AND due_at <= $1
     ORDER BY due_at, message_id, seq LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map((row) => ({ messageId: row.message_id, seq: row.seq, step: row.step }));
}

export async function markAlertDone(tx: Queryable, alert: DueAlert, now: number): Promise<void> {
  await tx.query('UPDATE escalation_alerts SET done_at = $3 WHERE message_id = $1 AND seq = $2', [
    alert.messageId,
    alert.seq,
    now,
  ]);
}

/** Tries a failed alert again at `dueAt` (escalation-release.ts). */
export async function postponeAlert(tx: Queryable, alert: DueAlert, dueAt: number): Promise<void> {
  await tx.query('UPDATE escalation_alerts SET due_at = $3 WHERE message_id = $1 AND seq = $2', [
    alert.messageId,
    alert.seq,
    dueAt,
  ]);
}
