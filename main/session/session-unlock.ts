/**
 * Unlocking a locked session (session-service.ts coordinates): the wrap key from the PIN or the
 * password, then the unlocked scope opened again with it. Each refusal is recorded, and a wrong
 * PIN or password is fed to the session machine, which signs out after five (session-machine.ts).
 */
import { auditEvent } from '../../shared/audit/audit-event-builder';
import { appError } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import type { ActiveSession } from './active-session';
import type { SessionDeps } from './session-contract';
import type { MessagingStarter } from './session-messaging';
import { actorOf } from './session-records';
import { reopenUnlockedScope, type UnlockedScope } from './unlocked-scope';

export type UnlockSecret = { readonly pin: string } | { readonly password: string };

export interface UnlockContext {
  readonly deps: SessionDeps;
  /** Whether the PIN may still be used now (not disabled by wrong tries or the logoff deadline). */
  readonly pinUsable: () => boolean;
  /** A wrong PIN or password, for the machine to count (it may sign the person out). */
  readonly unlockFailed: () => Promise<void>;
  /** Whether the session is still the active one (a failed unlock may have ended it). */
  readonly stillActive: () => boolean;
  readonly startMessaging: MessagingStarter;
}

/** The refusal once the machine has counted it: the session gone means it has expired. */
const refusedAs = (context: UnlockContext, code: Parameters<typeof appError>[0]) =>
  fail(appError(context.stillActive() ? code : 'SESSION_EXPIRED'));

/** The wrap key from the PIN or the password, or why not; a wrong PIN is recorded and counted. */
export async function unlockKey(
  context: UnlockContext,
  session: ActiveSession,
  secret: UnlockSecret,
): Promise<IpcResult<Uint8Array>> {
  const { deps } = context;
  if (!('pin' in secret)) {
    const keys = await deps.derive(secret.password, session.unlock.salt, session.unlock.kdf);
    keys.authKey.fill(0);
    return ok(keys.wrapKey);
  }
  if (!deps.policy.pinAllowed) return fail(appError('PIN_NOT_ALLOWED'));
  if (!session.pin.isSet) return fail(appError('PIN_NOT_SET'));
  if (!context.pinUsable()) return fail(appError('PIN_DISABLED'));
  const wrapKey = await session.pin.open(secret.pin);
  if (wrapKey !== null) return ok(wrapKey);
  deps.logger.info({ userId: session.account.userId }, 'wrong PIN');
  await deps.audit.note(
    auditEvent({ action: 'session.unlocked', actor: actorOf(session), outcome: 'failure', reason: 'PIN_WRONG' }),
  );
  await context.unlockFailed();
  return refusedAs(context, 'PIN_WRONG');
}

/** The unlocked scope again under `wrapKey`; a wrong password opens nothing and counts like a wrong PIN. */
export async function reopenScope(
  context: UnlockContext,
  session: ActiveSession,
  wrapKey: Uint8Array,
): Promise<IpcResult<UnlockedScope>> {
  const { deps } = context;
  const reopened = await reopenUnlockedScope(
    deps.vaults,
    session.account.userId,
    session.unlock.wrappedIdentity,
    wrapKey,
    (vault, identity) => context.startMessaging(session, vault, identity),
  );
  if (reopened.ok) return ok(reopened.value);
  const failed = reopened.error;
  deps.logger.info({ code: failed.code }, 'unlock refused');
  await deps.audit.note(
    auditEvent({ action: 'session.unlocked', actor: actorOf(session), outcome: 'failure', reason: failed.code }),
  );
  if (failed.code === 'WRONG_PASSWORD') await context.unlockFailed();
  return context.stillActive() ? fail(failed) : fail(appError('SESSION_EXPIRED'));
}
