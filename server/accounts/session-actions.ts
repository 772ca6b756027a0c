/**
 * What a signed-in user does with sessions: refresh the token (device proof required, each
 * proof once), sign out, list their sessions, end one of them.
 */
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import { recordAccountEvent } from './account-event-store';
import { proofSpentUntil, refreshProofDigest, refreshProofValid } from './device-proof';
import { deviceKeyOf, recordDeviceContact } from './device-store';
import { endSession, liveSessionsOf, rotateToken, type AuthenticatedSession } from './session-store';
import { spendProof } from './spent-proof-store';

export interface SessionDeps {
  readonly db: Database;
  readonly clock: Clock;
}

export async function refreshSession(
  deps: SessionDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'refresh'>,
  appVersion: string | null = null,
): Promise<Outcome<RouteResponse<'refresh'>>> {
  const now = deps.clock();
  const { proof } = request;
  if (proof.deviceId !== session.deviceId) return fail('DEVICE_PROOF_INVALID');
  const deviceKey = await deviceKeyOf(deps.db, session.deviceId);
  if (deviceKey === null || !(await refreshProofValid(session.sessionId, proof, deviceKey, now)))
    return fail('DEVICE_PROOF_INVALID');
  return transactionOutcome(deps.db, async (tx) => {
    // Good once: a copy of the proof (taken with a stolen token) is refused, however soon.
    if (!(await spendProof(tx, refreshProofDigest(session.sessionId, proof), proofSpentUntil(proof.timestamp))))
      return fail('DEVICE_PROOF_INVALID');
    // The device's row lock, held to commit: a revocation waits for this refresh, or this refresh finds it.
    if (!(await recordDeviceContact(tx, session.deviceId, { at: now, appVersion }))) return fail('DEVICE_REVOKED');
    const issued = await rotateToken(tx, session.sessionId, now);
    return issued ? succeed(issued) : fail('UNAUTHENTICATED');
  });
}

export async function signOut(
  deps: SessionDeps,
  session: AuthenticatedSession,
): Promise<Outcome<RouteResponse<'logout'>>> {
  await deps.db.transaction((tx) => endSession(tx, session.sessionId, 'signed-out', deps.clock()));
  return succeed({});
}

export async function listSessions(
  deps: SessionDeps,
  session: AuthenticatedSession,
): Promise<Outcome<RouteResponse<'listSessions'>>> {
  const sessions = await liveSessionsOf(deps.db, session.userId, deps.clock());
  return succeed({ sessions: sessions.map((entry) => ({ ...entry, current: entry.sessionId === session.sessionId })) });
}

/** Only the caller's own sessions; anyone else's id is as unknown as a made-up one. */
export async function endOwnSession(
  deps: SessionDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'endSession'>,
): Promise<Outcome<RouteResponse<'endSession'>>> {
  const ended = await deps.db.transaction(async (tx) => {
    const at = deps.clock();
    if (!(await endSession(tx, request.sessionId, 'revoked', at, session.userId))) return false;
    await recordAccountEvent(tx, {
      at,
      actor: session.userId,
      action: 'session.ended-by-user',
      targetUserId: session.userId,
      sessionsEnded: 1,
    });
    return true;
  });
  return ended ? succeed({}) : fail('NOT_FOUND');
}
