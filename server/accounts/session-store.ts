/**
 * Sessions in the database. The token is stored only as a digest; ending a session (logout,
 * revocation, deactivation) is a row update plus a notification, so every instance closes that
 * session's streams.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../shared/access/permission-matrix';
import { accessTokenDigest, newAccessToken } from '../crypto/access-tokens';
import type { Queryable } from '../db/database';
import { recordServed, SESSION_END_CODES, servedEvent, type ServedEvent } from '../audit/served-events';
import { announceSessionEnded, type SessionEndReason } from '../events/channels';
import { recordDeviceUser } from '../devices/device-command-store';
import { lastSeenStale, newSessionTimes, sessionState, tokenExpiryAt, type SessionState } from './session-policy';

/** What a request knows about its caller once the bearer token checks out. */
export interface AuthenticatedSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly role: Role;
  /** When the session last proved its person: its sign-in, or its latest re-authentication. */
  readonly authenticatedAt: number;
  /** IT has commands waiting for the session's workstation (a remote wipe): answers say so. */
  readonly commandsPending: boolean;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: number;
}

export interface CreatedSession extends IssuedToken {
  readonly sessionId: string;
  readonly maxExpiresAt: number;
}

type SessionRow = {
  session_id: string;
  user_id: string;
  device_id: string;
  device_name: string;
  role: Role;
  active: boolean;
  token_expires_at: number;
  max_expires_at: number;
  created_at: number;
  last_seen_at: number;
  ended_at: number | null;
  authenticated_at: number | string;
};

const stateOf = (row: SessionRow, now: number): SessionState =>
  sessionState({ tokenExpiresAt: row.token_expires_at, maxExpiresAt: row.max_expires_at, endedAt: row.ended_at }, now);

export async function createSession(
  db: Queryable,
  input: { userId: string; deviceId: string; deviceName: string },
  now: number,
): Promise<CreatedSession> {
  const sessionId = randomUUID();
  const token = newAccessToken();
  const times = newSessionTimes(now);
  await db.query(
    `INSERT INTO sessions (session_id, user_id, device_id, device_name, token_hash, token_expires_at, created_at, max_expires_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)`,
    [
      sessionId,
      input.userId,
      input.deviceId,
      input.deviceName,
      accessTokenDigest(token),
      times.tokenExpiresAt,
      times.createdAt,
      times.maxExpiresAt,
    ],
  );
  // Which workstations hold this person's vault, and what each is called, for remote wipe.
  await recordDeviceUser(db, input, now);
  // On the server's chain, in the same transaction: what attests the records the workstation
  // makes in this person's name (shared/audit/actor-attestation.ts).
  await recordServed(
    db,
    servedEvent({
      at: now,
      actor: input.userId,
      action: 'session.issued',
      object: {
        kind: 'session',
        id: sessionId,
        userId: input.userId,
        workstationId: input.deviceId,
        until: times.maxExpiresAt,
      },
    }),
  );
  return { sessionId, token, expiresAt: times.tokenExpiresAt, maxExpiresAt: times.maxExpiresAt };
}

const SESSION_COLUMNS = `s.session_id, s.user_id, s.device_id, s.device_name, a.role, a.active, s.token_expires_at,
  s.max_expires_at, s.created_at, s.last_seen_at, s.ended_at, COALESCE(s.authenticated_at, s.created_at) AS authenticated_at`;

/** The live session a bearer token belongs to, or null (unknown, rotated, expired, ended, or the account is inactive). */
export async function authenticateToken(
  db: Queryable,
  token: string,
  now: number,
): Promise<AuthenticatedSession | null> {
  // In the same query: whether IT has commands waiting for this workstation (a remote wipe).
  const rows = await db.query<SessionRow & { commands_pending: boolean }>(
    `SELECT ${SESSION_COLUMNS},
       EXISTS (SELECT 1 FROM device_commands c WHERE c.device_id = s.device_id AND c.done_at IS NULL) AS commands_pending
     FROM sessions s JOIN accounts a ON a.user_id = s.user_id WHERE s.token_hash = $1`,
    [accessTokenDigest(token)],
  );
  const row = rows[0];
  if (!row?.active || stateOf(row, now) !== 'live') return null;
  if (lastSeenStale(row.last_seen_at, now)) {
    await db.query('UPDATE sessions SET last_seen_at = $2 WHERE session_id = $1', [row.session_id, now]);
  }
  return {
    sessionId: row.session_id,
    userId: row.user_id,
    deviceId: row.device_id,
    role: row.role,
    authenticatedAt: Number(row.authenticated_at),
    commandsPending: row.commands_pending,
  };
}

/** Whether the token is (or was, until it ended) a session on a workstation IT revoked. */
export async function tokenDeviceRevoked(db: Queryable, token: string): Promise<boolean> {
  const rows = await db.query<{ revoked: boolean }>(
    `SELECT d.revoked_at IS NOT NULL AS revoked FROM sessions s JOIN devices d ON d.device_id = s.device_id
     WHERE s.token_hash = $1`,
    [accessTokenDigest(token)],
  );
  return rows[0]?.revoked === true;
}

/** The session's person proved themselves again at `now` (server/accounts/reauthenticate.ts). */
export async function markAuthenticated(db: Queryable, sessionId: string, now: number): Promise<boolean> {
  const rows = await db.query<{ session_id: string }>(
    'UPDATE sessions SET authenticated_at = $2 WHERE session_id = $1 AND ended_at IS NULL RETURNING session_id',
    [sessionId, now],
  );
  return rows.length === 1;
}

export interface SessionStatus {
  readonly state: SessionState;
  /** Why it ended, when it has. */
  readonly endReason: SessionEndReason | null;
}

/** Sessions one query reads: an instance's every open stream, checked in a few statements. */
export const SESSION_STATUS_BATCH = 1000;

/**
 * Whether each session can still be used at `now` (what open streams check from time to time).
 * A session missing from the map no longer exists. One query per `SESSION_STATUS_BATCH` ids.
 */
export async function sessionStatuses(
  db: Queryable,
  sessionIds: readonly string[],
  now: number,
): Promise<Map<string, SessionStatus>> {
  const statuses = new Map<string, SessionStatus>();
  const unique = [...new Set(sessionIds)];
  for (let start = 0; start < unique.length; start += SESSION_STATUS_BATCH) {
    const rows = await db.query<SessionRow & { end_reason: SessionEndReason | null }>(
      `SELECT ${SESSION_COLUMNS}, s.end_reason FROM sessions s JOIN accounts a ON a.user_id = s.user_id
       WHERE s.session_id = ANY($1::uuid[])`,
      [unique.slice(start, start + SESSION_STATUS_BATCH)],
    );
    for (const row of rows)
      statuses.set(
        row.session_id,
        row.active
          ? { state: stateOf(row, now), endReason: row.end_reason }
          : { state: 'ended', endReason: row.end_reason ?? 'deactivated' },
      );
  }
  return statuses;
}

/** A new token for a live session; the old one stops working at once. */
export async function rotateToken(db: Queryable, sessionId: string, now: number): Promise<IssuedToken | null> {
  const token = newAccessToken();
  const rows = await db.query<{ token_expires_at: number }>(
    `UPDATE sessions SET token_hash = $2, token_expires_at = LEAST($3::bigint, max_expires_at), last_seen_at = $4
     WHERE session_id = $1 AND ended_at IS NULL AND max_expires_at > $4 RETURNING token_expires_at`,
    [sessionId, accessTokenDigest(token), tokenExpiryAt(now, Number.MAX_SAFE_INTEGER), now],
  );
  const row = rows[0];
  return row ? { token, expiresAt: row.token_expires_at } : null;
}

type EndedRow = { session_id: string; user_id: string; device_id: string };

/** The server's record of sessions it ended: by their user when signed out, else by the server (who asked is on the account events' chain). */
function endedEvents(rows: readonly EndedRow[], reason: SessionEndReason, now: number): ServedEvent[] {
  return rows.map((row) =>
    servedEvent({
      at: now,
      actor: reason === 'signed-out' ? row.user_id : null,
      action: 'session.ended',
      object: { kind: 'session', id: row.session_id, userId: row.user_id, workstationId: row.device_id, until: now },
      reason: SESSION_END_CODES[reason],
    }),
  );
}

export async function endSession(
  db: Queryable,
  sessionId: string,
  reason: SessionEndReason,
  now: number,
  onlyForUser?: string,
): Promise<boolean> {
  const rows = await db.query<EndedRow>(
    `UPDATE sessions SET ended_at = $2, end_reason = $3
     WHERE session_id = $1 AND ended_at IS NULL AND ($4::text IS NULL OR user_id = $4) RETURNING session_id, user_id, device_id`,
    [sessionId, now, reason, onlyForUser ?? null],
  );
  if (rows.length === 0) return false;
  await recordServed(db, endedEvents(rows, reason, now));
  await announceSessionEnded(db, sessionId, reason);
  return true;
}

export async function endSessionsOfUser(
  db: Queryable,
  userId: string,
  reason: SessionEndReason,
  now: number,
): Promise<number> {
  const rows = await db.query<EndedRow>(
    'UPDATE sessions SET ended_at = $2, end_reason = $3 WHERE user_id = $1 AND ended_at IS NULL RETURNING session_id, user_id, device_id',
    [userId, now, reason],
  );
  await recordServed(db, endedEvents(rows, reason, now));
  for (const row of rows) await announceSessionEnded(db, row.session_id, reason);
  return rows.length;
}

/** Ends every live session on the device (IT revoked it), whoever's, telling their streams why. */
export async function endSessionsOnDevice(
  db: Queryable,
  deviceId: string,
  reason: SessionEndReason,
  now: number,
): Promise<number> {
  const rows = await db.query<EndedRow>(
    'UPDATE sessions SET ended_at = $2, end_reason = $3 WHERE device_id = $1 AND ended_at IS NULL RETURNING session_id, user_id, device_id',
    [deviceId, now, reason],
  );
  await recordServed(db, endedEvents(rows, reason, now));
  for (const row of rows) await announceSessionEnded(db, row.session_id, reason);
  return rows.length;
}

export interface SessionListing {
  readonly sessionId: string;
  readonly deviceId: string;
  readonly deviceName: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
}

export async function liveSessionsOf(db: Queryable, userId: string, now: number): Promise<SessionListing[]> {
  const rows = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM sessions s JOIN accounts a ON a.user_id = s.user_id
     WHERE s.user_id = $1 AND s.ended_at IS NULL AND s.token_expires_at > $2 AND s.max_expires_at > $2
     ORDER BY s.created_at DESC LIMIT 100`,
    [userId, now],
  );
  return rows.map((row) => ({
    sessionId: row.session_id,
    deviceId: row.device_id,
    deviceName: row.device_name,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  }));
}

/** Deletes sessions that ended, or reached their maximum age, before `before`. */
export async function deleteDeadSessions(db: Queryable, before: number): Promise<void> {
  await db.query('DELETE FROM sessions WHERE (ended_at IS NOT NULL AND ended_at < $1) OR max_expires_at < $1', [
    before,
  ]);
}

/** A session on one device: whose, from when until when it could act, and the account's role now. */
export interface DeviceSessionSpan {
  readonly sessionId: string;
  readonly userId: string;
  readonly from: number;
  /** When it ended, or its hard expiry if it has not ended (whichever comes first). */
  readonly until: number;
  readonly role: string;
}

/** The sessions the table still holds for these users on this device (it keeps dead ones a day). */
export async function deviceSessionSpans(
  tx: Queryable,
  deviceId: string,
  userIds: readonly string[],
): Promise<DeviceSessionSpan[]> {
  const rows = await tx.query<{
    session_id: string;
    user_id: string;
    created_at: number | string;
    until: number | string;
    role: string;
  }>(
    `SELECT s.session_id, s.user_id, s.created_at, LEAST(s.max_expires_at, COALESCE(s.ended_at, s.max_expires_at)) AS until, a.role
     FROM sessions s JOIN accounts a ON a.user_id = s.user_id WHERE s.device_id = $1 AND s.user_id = ANY($2::text[])`,
    [deviceId, userIds],
  );
  return rows.map((row) => ({
    sessionId: row.session_id,
    userId: row.user_id,
    from: Number(row.created_at),
    until: Number(row.until),
    role: row.role,
  }));
}
