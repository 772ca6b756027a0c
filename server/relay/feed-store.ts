/**
 * Each user's feed: envelope, receipt, recall and acknowledgement events, numbered per user.
 *
 * A stream must never skip a committed event: a reader that has seen event N of a user can
 * never later find a committed event of theirs below N. So a user's numbers are handed out from
 * their row in `feed_heads`, which an append updates and therefore holds until it commits: a
 * second append to the same person waits, and commits after, with the next number. Appends to
 * different people do not wait for each other (migration 0027; until then one global lock
 * ordered every send in the hospital).
 *
 * Deadlocks: one append locks its heads in user id order, in one statement. A transaction that
 * appends more than once calls `lockFeeds` first with everyone it will append to, after the
 * other rows it locks (envelopes, receipts): head locks are always the last a transaction takes.
 */
import type { QuickReply } from '../../shared/protocol/acknowledgement';
import type { FeedEvent } from '../../shared/protocol/feed';
import { ComposedStatement, gatedBy } from '../db/composed-statement';
import type { Queryable } from '../db/database';
import { announceFeedPart } from '../events/channels';
import { parseStoredEnvelope } from './envelope-store';

export type FeedAppend =
  | { readonly type: 'envelope'; readonly messageId: string }
  | {
      readonly type: 'receipt';
      readonly messageId: string;
      readonly userId: string;
      readonly kind: 'delivered' | 'read';
      readonly at: number;
    }
  | {
      readonly type: 'recall';
      readonly messageId: string;
      readonly senderId: string;
      readonly recalledAt: number;
      readonly signature: string;
    }
  | {
      readonly type: 'acknowledgement';
      readonly messageId: string;
      readonly userId: string;
      readonly reply: QuickReply | null;
      readonly acknowledgedAt: number;
      readonly signature: string;
    }
  | { readonly type: 'escalation'; readonly messageId: string; readonly step: number | null };

/** Who did it, when they signed it was done, and their signature: the columns each kind fills. */
function actorColumns(event: FeedAppend): { actor: string | null; at: number | null; signature: string | null } {
  switch (event.type) {
    case 'envelope':
    case 'escalation':
      return { actor: null, at: null, signature: null };
    case 'receipt':
      return { actor: event.userId, at: event.at, signature: null };
    case 'recall':
      return { actor: event.senderId, at: event.recalledAt, signature: event.signature };
    case 'acknowledgement':
      return { actor: event.userId, at: event.acknowledgedAt, signature: event.signature };
  }
}

/**
 * Locks the feeds of `userIds` until the transaction ends, in user id order: a transaction that
 * appends more than once takes every head it will need at once, so it never holds one while
 * waiting for another.
 */
export async function lockFeeds(tx: Queryable, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx.query('SELECT 1 FROM feed_heads WHERE user_id = ANY($1::text[]) ORDER BY user_id FOR UPDATE', [
    [...new Set(userIds)],
  ]);
}

/**
 * Appends one event per user and announces it on commit, if `gate` has its row: part of the
 * statement that made the change (a send), so the feed moves with it or not at all. Answers a
 * gate that has its row once every head is bumped: a later part that takes a lock (the audit
 * outbox's) reads it first, so head locks stay ahead of it, as in a transaction (above).
 */
export function appendFeedEventsPart(
  s: ComposedStatement,
  gate: string | null,
  userIds: readonly string[],
  event: FeedAppend,
  now: number,
): string | null {
  const users = [...new Set(userIds)];
  if (users.length === 0) return gate;
  const { actor, at, signature } = actorColumns(event);
  // Each head is bumped (and so locked until commit) in user id order; a new person starts at 1.
  const heads = s.with(
    'feed_heads_bumped',
    `INSERT INTO feed_heads AS h (user_id, seq)
     SELECT u, 1 FROM ${gatedBy(gate)}unnest(${s.param(users)}::text[]) AS u ORDER BY u
     ON CONFLICT (user_id) DO UPDATE SET seq = h.seq + 1
     RETURNING h.user_id, h.seq`,
  );
  const columns = [
    event.type,
    event.messageId,
    actor,
    event.type === 'receipt' ? event.kind : null,
    at,
    signature,
    event.type === 'acknowledgement' ? event.reply : null,
    event.type === 'escalation' ? event.step : null,
    now,
  ].map((value) => s.param(value));
  const appended = s.with(
    'feed_appended',
    `INSERT INTO feed_events (user_id, seq, type, message_id, actor_id, receipt_kind, at, signature, reply, step, created_at)
     SELECT ${heads}.user_id, ${heads}.seq, ${columns.join(', ')} FROM ${heads} RETURNING user_id`,
  );
  announceFeedPart(s, gate, users);
  // count(*) reads every row, so every head is bumped (and locked) before this answers.
  return s.with('feed_done', `SELECT 1 AS done WHERE (SELECT count(*) FROM ${appended}) > 0`);
}

/** appendFeedEventsPart on its own, inside the caller's transaction: one round trip. */
export async function appendFeedEvents(
  tx: Queryable,
  userIds: readonly string[],
  event: FeedAppend,
  now: number,
): Promise<void> {
  if (userIds.length === 0) return;
  const s = new ComposedStatement();
  appendFeedEventsPart(s, null, userIds, event, now);
  await s.run(tx, {});
}

/** The cursor before this user's first event at or after `since`: where a new workstation starts. */
export async function feedCursorBefore(db: Queryable, userId: string, since: number): Promise<number> {
  const rows = await db.query<{ seq: number | string | null }>(
    'SELECT max(seq) AS seq FROM feed_events WHERE user_id = $1 AND created_at < $2',
    [userId, since],
  );
  return Number(rows[0]?.seq ?? 0);
}

type FeedRow = {
  seq: number;
  type: FeedEvent['type'];
  message_id: string;
  actor_id: string | null;
  receipt_kind: 'delivered' | 'read' | null;
  at: number | null;
  signature: string | null;
  reply: QuickReply | null;
  step: number | null;
  envelope_json: string | null;
  accepted_at: number | null;
  created_at: number;
};

function eventOf(row: FeedRow): FeedEvent | null {
  switch (row.type) {
    case 'envelope':
      if (row.envelope_json === null || row.accepted_at === null) return null;
      return {
        type: 'envelope',
        seq: row.seq,
        envelope: parseStoredEnvelope(row.envelope_json),
        acceptedAt: row.accepted_at,
      };
    case 'receipt':
      if (row.actor_id === null || row.receipt_kind === null || row.at === null) return null;
      return {
        type: 'receipt',
        seq: row.seq,
        messageId: row.message_id,
        userId: row.actor_id,
        kind: row.receipt_kind,
        at: row.at,
      };
    case 'recall':
      if (row.actor_id === null || row.at === null || row.signature === null) return null;
      // The server's time of the recall is when it wrote the event; `at` is the sender's, signed.
      return {
        type: 'recall',
        seq: row.seq,
        messageId: row.message_id,
        senderId: row.actor_id,
        recalledAt: row.at,
        signature: row.signature,
        acceptedAt: row.created_at,
      };
    case 'acknowledgement':
      if (row.actor_id === null || row.at === null || row.signature === null) return null;
      return {
        type: 'acknowledgement',
        seq: row.seq,
        messageId: row.message_id,
        userId: row.actor_id,
        reply: row.reply,
        acknowledgedAt: row.at,
        signature: row.signature,
        acceptedAt: row.created_at,
      };
    case 'escalation':
      return { type: 'escalation', seq: row.seq, messageId: row.message_id, step: row.step, at: row.created_at };
  }
}

/** The last sequence appended to `userId`'s feed (0 for none). */
export async function feedHead(db: Queryable, userId: string): Promise<number> {
  const rows = await db.query<{ seq: string | number }>('SELECT seq FROM feed_heads WHERE user_id = $1', [userId]);
  return Number(rows[0]?.seq ?? 0);
}

export interface FeedPage {
  readonly events: FeedEvent[];
  /** The last sequence this page covers: `after` for the next call. */
  readonly cursor: number;
  readonly more: boolean;
}

/**
 * Events for `userId` after `after`, oldest first. An envelope past its expiry is left out even
 * before the sweeper deletes it.
 */
export async function readFeed(
  db: Queryable,
  userId: string,
  after: number,
  limit: number,
  now: number,
): Promise<FeedPage> {
  const rows = await db.query<FeedRow>(
    `SELECT f.seq, f.type, f.message_id, f.actor_id, f.receipt_kind, f.at, f.signature, f.reply, f.step, f.created_at, e.envelope_json, e.accepted_at
     FROM feed_events f JOIN envelopes e ON e.message_id = f.message_id
     WHERE f.user_id = $1 AND f.seq > $2 AND (e.expires_at IS NULL OR e.expires_at > $3)
     ORDER BY f.seq LIMIT $4`,
    [userId, after, now, limit + 1],
  );
  const page = rows.slice(0, limit);
  const events = page.map(eventOf).filter((event): event is FeedEvent => event !== null);
  return { events, cursor: page.at(-1)?.seq ?? after, more: rows.length > limit };
}

/** Takes back the envelope events of a recalled message: recipients who had not fetched it never will. */
export async function deleteEnvelopeEvents(tx: Queryable, messageId: string): Promise<void> {
  await tx.query("DELETE FROM feed_events WHERE message_id = $1 AND type = 'envelope'", [messageId]);
}
