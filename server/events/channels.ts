/**
 * The notifications instances send each other through PostgreSQL `LISTEN/NOTIFY` (PGlite
 * delivers them in-process the same way). Sent inside the transaction that made the change, so
 * they go out on commit and never announce something that was rolled back. Payloads carry ids
 * only: a listener re-reads what changed from the database.
 */
import { SESSION_END_REASONS } from '../../shared/protocol/stream';
import { notify, type Queryable } from '../db/database';

/** Payload: a user id whose feed has new events. */
export const FEED_CHANNEL = 'wardline_feed';
/** Payload: `<reason> <sessionId>`. */
export const SESSION_ENDED_CHANNEL = 'wardline_session_ended';

export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** One statement however many users: a send to a role of twenty is one round trip, not twenty. */
export async function announceFeed(tx: Queryable, userIds: Iterable<string>): Promise<void> {
  const unique = [...new Set(userIds)];
  const [only] = unique;
  if (unique.length === 1 && only !== undefined) return notify(tx, FEED_CHANNEL, only);
  if (unique.length > 1) await tx.query('SELECT pg_notify($1, u) FROM unnest($2::text[]) AS u', [FEED_CHANNEL, unique]);
}

export async function announceSessionEnded(tx: Queryable, sessionId: string, reason: SessionEndReason): Promise<void> {
  await notify(tx, SESSION_ENDED_CHANNEL, `${reason} ${sessionId}`);
}

export function parseSessionEnded(payload: string): { sessionId: string; reason: SessionEndReason } | null {
  const [reason, sessionId, ...rest] = payload.split(' ');
  if (rest.length > 0 || sessionId === undefined) return null;
  const known = SESSION_END_REASONS.find((candidate) => candidate === reason);
  return known === undefined ? null : { sessionId, reason: known };
}
