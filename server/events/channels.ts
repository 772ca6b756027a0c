/**
 * The notifications instances send each other through PostgreSQL `LISTEN/NOTIFY` (PGlite
 * delivers them in-process the same way). Sent inside the transaction that made the change, so
 * they go out on commit and never announce something that was rolled back. Payloads carry ids
 * only: a listener re-reads what changed from the database.
 */
import { SESSION_END_REASONS } from '../../shared/protocol/stream';
import { gatedBy, type ComposedStatement } from '../db/composed-statement';
import { notify, notifyEach, type Queryable } from '../db/database';

/** Payload: a user id whose feed has new events. */
export const FEED_CHANNEL = 'wardline_feed';
/** Payload: `<reason> <sessionId>`. */
export const SESSION_ENDED_CHANNEL = 'wardline_session_ended';
/** Payload: a device id with commands waiting for it (server/devices/). */
export const DEVICE_COMMANDS_CHANNEL = 'wardline_device_commands';
/** Payload: empty. The audit trail grew: the SIEM forwarder (whichever instance it is) reads on (server/siem/). */
export const SIEM_WAKE_CHANNEL = 'wardline_siem_wake';
/** Payload: empty. The SIEM forwarding lease was released: another instance may take it now. */
export const SIEM_LEASE_CHANNEL = 'wardline_siem_lease';

export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** Each user whose feed has new events, once, within the statement that appended them (if `gate` has its row). */
export function announceFeedPart(s: ComposedStatement, gate: string | null, userIds: Iterable<string>): void {
  s.with(
    'feed_announced',
    `SELECT pg_notify(${s.param(FEED_CHANNEL)}, u) FROM ${gatedBy(gate)}unnest(${s.param([...new Set(userIds)])}::text[]) AS u`,
    { evaluate: true },
  );
}

/** Each workstation IT just queued a command for: its streams tell it to fetch now. */
export async function announceDeviceCommands(tx: Queryable, deviceIds: Iterable<string>): Promise<void> {
  await notifyEach(tx, DEVICE_COMMANDS_CHANNEL, [...new Set(deviceIds)]);
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
