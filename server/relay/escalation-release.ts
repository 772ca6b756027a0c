/**
 * Releasing what an escalation plan scheduled, when it falls due and nobody has acknowledged:
 * a step's people get the envelope (they were sealed to at send time, and become recipients who
 * may acknowledge and send receipts), and everyone reached so far, the sender included, gets an
 * `escalation` event naming the step by index only. A re-alert (step null) is that event alone.
 *
 * One transaction per batch: the alerts are claimed FOR UPDATE SKIP LOCKED, so another instance
 * never releases the same one, and a release and its `done_at` commit together. What was
 * acknowledged, recalled or has expired is marked done without a word.
 */
import { recordServed, servedEvent } from '../audit/served-events';
import type { Queryable } from '../db/database';
import { insertReachedRecipients, parseStoredEnvelope } from './envelope-store';
import { claimDueAlerts, markAlertDone, type DueAlert } from './escalation-store';
import { appendFeedEvents } from './feed-store';
import type { RelayDeps } from './send-message';

/** Alerts released per transaction: bounds a transaction's length when many fall due at once. */
const BATCH = 100;

/** Releases everything due now; answers how many alerts were handled. */
export async function releaseDueEscalations(deps: RelayDeps): Promise<number> {
  let handled = 0;
  for (;;) {
    const now = deps.clock();
    const batch = await deps.db.transaction(async (tx) => {
      const due = await claimDueAlerts(tx, now, BATCH);
      for (const alert of due) {
        await release(tx, alert, now);
        await markAlertDone(tx, alert, now);
      }
      return due.length;
    });
    handled += batch;
    if (batch < BATCH) return handled;
  }
}

async function release(tx: Queryable, alert: DueAlert, now: number): Promise<void> {
  const rows = await tx.query<{
    sender_id: string;
    conversation_id: string;
    envelope_json: string | null;
    acked: boolean;
  }>(
    `SELECT e.sender_id, e.conversation_id, e.envelope_json,
       EXISTS (SELECT 1 FROM message_acknowledgements a WHERE a.message_id = e.message_id) AS acked
     FROM envelopes e
     WHERE e.message_id = $1 AND e.recalled_at IS NULL AND (e.expires_at IS NULL OR e.expires_at > $2)`,
    [alert.messageId, now],
  );
  const row = rows[0];
  if (row === undefined || row.envelope_json === null || row.acked) return;
  if (alert.step !== null) {
    const step = parseStoredEnvelope(row.envelope_json).header.escalation?.steps[alert.step];
    if (step === undefined) return;
    const reached = await insertReachedRecipients(tx, alert.messageId, step.to);
    await appendFeedEvents(tx, reached, { type: 'envelope', messageId: alert.messageId }, now);
    await recordServed(
      tx,
      servedEvent({
        at: now,
        actor: null,
        action: 'message.escalated',
        object: { kind: 'message', id: alert.messageId, conversationId: row.conversation_id },
      }),
    );
  }
  const audience = await tx.query<{ user_id: string }>(
    'SELECT user_id FROM envelope_recipients WHERE message_id = $1',
    [alert.messageId],
  );
  await appendFeedEvents(
    tx,
    [row.sender_id, ...audience.map((r) => r.user_id)],
    { type: 'escalation', messageId: alert.messageId, step: alert.step },
    now,
  );
}
