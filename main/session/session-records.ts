/**
 * What the session's audit records say, and whom they name: the reason codes of locks and
 * logoffs, the speaker of a sign-out, and the record of a refused sign-in step. Pure: the
 * session modules record what these return.
 */
import type { Role } from '../../shared/access/permission-matrix';
import type { ErrorCode } from '../../shared/errors';
import { auditEvent, NO_ACTOR, type AuditEvent } from '../../shared/audit/audit-event-builder';
import type { Session } from '../../shared/protocol/api';
import type { LockReason, LogoffReason } from './session-machine';
import type { ConfirmedAccount } from './sign-in-flow';

/** Why a session locked, as the audit record's reason code. */
export const LOCK_REASON_CODES: Record<LockReason, string> = {
  idle: 'IDLE',
  request: 'REQUESTED',
  'os-lock': 'OS_LOCKED',
  suspend: 'SUSPENDED',
  reauth: 'PASSWORD_DUE',
};

type LogoffAction = 'session.signed-out' | 'session.auto-logoff' | 'session.user-switched';

const LOGOFF_RECORDS: Record<LogoffReason, { action: LogoffAction; reason: string | null }> = {
  'signed-out': { action: 'session.signed-out', reason: null },
  'auto-logoff': { action: 'session.auto-logoff', reason: 'IDLE' },
  'user-switch': { action: 'session.user-switched', reason: null },
  'server-ended': { action: 'session.auto-logoff', reason: 'SERVER_ENDED' },
  'pin-attempts': { action: 'session.auto-logoff', reason: 'TOO_MANY_ATTEMPTS' },
  'remote-wipe': { action: 'session.auto-logoff', reason: 'REMOTE_WIPE' },
};

export const actorOf = (session: { account: { userId: string; role: Role } }) => ({
  userId: session.account.userId,
  role: session.account.role,
});

/**
 * The record of a sign-out, and whom it names. A record in a person's name must fall inside their
 * server session (shared/audit/actor-attestation.ts). Once the server has ended it, or it has
 * outlived its longest life (a PC that slept past it), signing out is the workstation's own
 * doing: no actor, and the account as the object.
 */
export function logoffRecord(
  reason: LogoffReason,
  session: { readonly account: { userId: string; role: Role }; readonly signedIn: Pick<Session, 'maxExpiresAt'> },
  serverLive: boolean,
  now: number,
): AuditEvent {
  const { action, reason: code } = LOGOFF_RECORDS[reason];
  if (serverLive && now <= session.signedIn.maxExpiresAt)
    return auditEvent({ action, actor: actorOf(session), reason: code });
  return auditEvent({ action, actor: NO_ACTOR, object: { kind: 'account', id: session.account.userId }, reason: code });
}

/**
 * The record of a refused sign-in step, and whom it names. An id typed at the password step is
 * never named: the field can hold a mistyped password (lower-cased, most passwords are well-formed
 * ids), and the server answers an unknown id exactly as a wrong password and locks it out the
 * same way, so nothing confirms it is an account. Once the server has accepted the password (a
 * second factor refused, a later step failing), the account exists and is named as the object.
 * Never as the actor: no session of theirs exists yet, so the workstation alone says it, and a
 * record in a person's name must fall inside one of their sessions (actor-attestation.ts).
 */
export function refusal(
  code: ErrorCode,
  failed: 'sign-in.failed' | 'mfa.failed',
  confirmed: ConfirmedAccount | null,
): AuditEvent {
  const object =
    confirmed === null ? ({ kind: 'none' } as const) : ({ kind: 'account', id: confirmed.userId } as const);
  return auditEvent({
    action: code === 'ACCOUNT_LOCKED' ? 'account.locked-out' : failed,
    actor: NO_ACTOR,
    object,
    outcome: 'failure',
    reason: code,
  });
}
