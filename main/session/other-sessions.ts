/**
 * The signed-in clinician's sessions on other devices, as the server knows them: listed for the
 * sessions screen, and ended one at a time. This workstation's own session ends only with Sign
 * out, which also closes the vault.
 */
import { appError } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import type { RouteResponse } from '../../shared/protocol/api';
import type { Logger } from '../logging/logger';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import type { ActiveSession } from './active-session';

export type SessionList = { sessions: RouteResponse<'listSessions'>['sessions'] };

export async function listSessions(api: ApiClient, session: ActiveSession): Promise<IpcResult<SessionList>> {
  const listed = await api.call('listSessions', {}, session.server.token());
  return listed.ok ? ok({ sessions: listed.value.sessions }) : fail(appError(appCodeOf(listed.error.code)));
}

export async function endOtherSession(
  api: ApiClient,
  logger: Logger,
  session: ActiveSession,
  sessionId: string,
): Promise<IpcResult<Record<string, never>>> {
  if (sessionId === session.server.sessionId) return fail(appError('BAD_REQUEST'));
  const ended = await api.call('endSession', { sessionId }, session.server.token());
  if (!ended.ok) return fail(appError(appCodeOf(ended.error.code)));
  logger.info({ userId: session.account.userId }, 'ended another session');
  return ok({});
}
