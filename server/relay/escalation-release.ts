/**
 * Releasing what an escalation plan scheduled, when it falls due and nobody has acknowledged:
 * a step's people get the envelope (they were sealed to at send time, and become recipients who
 * may acknowledge and send receipts), and everyone reached so far, the sender included, gets an
 * `escalation` event naming the step by index only. A re-alert (step null) is that event alone.
 *
 * One transaction per batch: the alerts are claimed FOR UPDATE SKIP LOCKED, so another instance
 * never releases the same one, and a release and its `done_at` commit together. What was
 * acknowledged, recalled or has expired is marked done without a word.
 *
 * Each alert is released under its own savepoint: one that fails (a stored envelope this
 * version cannot read, say) is rolled back alone and tried again later, so it never holds back
 * the alerts due after it, and after MAX_ATTEMPTS it is given up with a warning (no PHI).
 */
import { recordServed, servedEvent } from '../audit/served-events';
import type { Queryable } from '../db/database';
import { insertReachedRecipients, parseStoredEnvelope } from './envelope-store';
import { claimDueAlerts, markAlertDone, postponeAlert, type DueAlert } from './escalation-store';
import { escalationRecipients } from '../../shared/protocol/escalation';
import { appendFeedEvents, lockFeeds } from './feed-store';
import type { RelayDeps } from './send-message';

/** Alerts released per transaction: bounds a transaction's length when many fall due at once. */
const BATCH = 100;
/** A failing alert is tried this many times, RETRY_MS × attempt apart, then given up. */
export const MAX_ATTEMPTS = 5;
export const RETRY_MS = 15_000;

export interface ReleaseDeps extends RelayDeps {
  /** Failed attempts per alert (`messageId:seq`), kept by the instance between runs. */
  readonly failures: Map<string, number>;
  /** A failing alert, by event name and attempt only. */
  readonly onFailure?: (event: 'escalation-alert-failed' | 'escalation-alert-abandoned', attempt: number) => void;
}

/** Releases everything due now; answers how many alerts were handled (released, retried later, or given up). */
export async function releaseDueEscalations(deps: ReleaseDeps): Promise<number> {
  let handled = 0;
  for (;;) {
    const now = deps.clock();
    const batch = await deps.db.transaction(async (tx) => {
      const due = await claimDueAlerts(tx, now, BATCH);
      await lockBatch(tx, due);
      for (const alert of due) await releaseAlone(tx, alert, now, deps);
      return due.length;
    });
    handled += batch;
    if (batch < BATCH) return handled;
  }
}

/**
 * A batch appends to many feeds over many statements, so it locks up front everything it will
 * touch, in the order every other writer takes locks (feed-store.ts): the batch's envelopes (a
 * concurrent recall waits here, not holding a feed), then the feed of everyone the alerts may
 * reach: senders, recipients so far, and every step's people.
 */
async function lockBatch(tx: Queryable, due: readonly DueAlert[]): Promise<void> {
  if (due.length === 0) return;
  const ids = [...new Set(due.map((alert) => alert.messageId))];
  const envelopes = await tx.query<{ sender_id: string; envelope_json: string | null }>(
    'SELECT sender_id, envelope_json FROM envelopes WHERE message_id = ANY($1::uuid[]) ORDER BY message_id FOR KEY SHARE',
    [ids],
  );
  const recipients = await tx.query<{ user_id: string }>(
    'SELECT DISTINCT user_id FROM envelope_recipients WHERE message_id = ANY($1::uuid[])',
    [ids],
  );
  const stepPeople = envelopes.flatMap((row) => {
    if (row.envelope_json === null) return [];
    try {
      return escalationRecipients(parseStoredEnvelope(row.envelope_json).header.escalation);
    } catch {
      // Unreadable: its release fails alone (releaseAlone) and appends nothing.
      return [];
    }
  });
  await lockFeeds(tx, [
    ...envelopes.map((row) => row.sender_id),
    ...recipients.map((row) => row.user_id),
    ...stepPeople,
  ]);
}

async function releaseAlone(tx: Queryable, alert: DueAlert, now: number, deps: ReleaseDeps): Promise<void> {
  const key = `${alert.messageId}:${String(alert.seq)}`;
  await tx.query('SAVEPOINT escalation_alert');
  try {
    await release(tx, alert, now);
    await tx.query('RELEASE SAVEPOINT escalation_alert');
  } catch {
    await tx.query('ROLLBACK TO SAVEPOINT escalation_alert');
    const attempt = (deps.failures.get(key) ?? 0) + 1;
    if (attempt < MAX_ATTEMPTS) {
      deps.failures.set(key, attempt);
      deps.onFailure?.('escalation-alert-failed', attempt);
      await postponeAlert(tx, alert, now + RETRY_MS * attempt);
      return;
    }
    deps.onFailure?.('escalation-alert-abandoned', attempt);
  }
  deps.failures.delete(key);
  await markAlertDone(tx, alert, now);
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
  await appendFeedEvents(
    tx,
    [row.sender_id, ...(await audienceOf(tx, alert.messageId))],
    { type: 'escalation', messageId: alert.messageId, step: alert.step },
    now,
  );
}

/** Everyone the message reaches so far (the reached recipients included). */
async function audienceOf(tx: Queryable, messageId: string): Promise<string[]> {
  const rows = await tx.query<{ user_id: string }>('SELECT user_id FROM envelope_recipients WHERE message_id = $1', [
    messageId,
  ]);
  return rows.map((r) => r.user_id);
}
