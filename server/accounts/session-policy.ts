/**
 * When a session's token and the session itself expire. Pure. A token lives ACCESS_TOKEN_TTL_MS
 * and is renewed by a refresh with the device key; the session ends SESSION_MAX_AGE_MS after
 * sign-in whatever happens, and no token outlives it.
 */
import { ACCESS_TOKEN_TTL_MS, SESSION_MAX_AGE_MS } from '../../shared/protocol/auth';

export interface SessionTimes {
  readonly createdAt: number;
  readonly tokenExpiresAt: number;
  readonly maxExpiresAt: number;
}

export function newSessionTimes(now: number): SessionTimes {
  const maxExpiresAt = now + SESSION_MAX_AGE_MS;
  return { createdAt: now, tokenExpiresAt: tokenExpiryAt(now, maxExpiresAt), maxExpiresAt };
}

export function tokenExpiryAt(now: number, maxExpiresAt: number): number {
  return Math.min(now + ACCESS_TOKEN_TTL_MS, maxExpiresAt);
}

export type SessionState = 'live' | 'expired' | 'ended';

export function sessionState(
  session: { tokenExpiresAt: number; maxExpiresAt: number; endedAt: number | null },
  now: number,
): SessionState {
  if (session.endedAt !== null) return 'ended';
  if (session.tokenExpiresAt <= now || session.maxExpiresAt <= now) return 'expired';
  return 'live';
}

/** `last_seen_at` is written at most this often, so a busy client does not write on every request. */
export const LAST_SEEN_RESOLUTION_MS = 60 * 1000;

export function lastSeenStale(lastSeenAt: number, now: number): boolean {
  return now - lastSeenAt >= LAST_SEEN_RESOLUTION_MS;
}
