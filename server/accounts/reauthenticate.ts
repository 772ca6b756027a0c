/**
 * A signed-in person proves themselves again (password as its auth key, and a second-factor
 * code) before a destructive action. It counts in the sign-in throttle exactly as a sign-in does,
 * so a stolen session token cannot be used to guess the password, and a code is spent once, so a
 * code seen over a shoulder cannot be replayed on another session.
 */
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import { PasswordHasherError } from '../crypto/password-hasher';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import { consumeTotpStep, findAccount } from './account-store';
import { markAuthenticated, type AuthenticatedSession } from './session-store';
import { attemptFailed, attemptNotCounted, attemptSucceeded, beginAttempt, type SignInDeps } from './sign-in-steps';
import { matchingTotpStep } from './totp';
import { totpStepAccepted } from './totp-replay';

export async function reauthenticate(
  deps: SignInDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'reauthenticate'>,
  remoteAddress: string,
): Promise<Outcome<RouteResponse<'reauthenticate'>>> {
  const now = deps.clock();
  // The attempt's place in the throttle is taken before anything is checked, never after.
  const begun = await beginAttempt(deps, session.userId, remoteAddress, now);
  if (!begun.ok) return begun;
  const attempt = begun.value;

  const account = await findAccount(deps.db, session.userId);
  if (account === null || !account.active) {
    await attemptNotCounted(deps, attempt);
    return fail('ACCOUNT_DISABLED');
  }
  let matches: boolean;
  try {
    // No password set (reset since this session began): as long as a real check, and never a match.
    const hash = account.authKeyHash ?? (await deps.decoyHash());
    matches = (await deps.hasher.verify(hash, Buffer.from(request.authKey, 'base64'))) && account.authKeyHash !== null;
  } catch (error) {
    await attemptNotCounted(deps, attempt);
    if (error instanceof PasswordHasherError) return fail('UNAVAILABLE');
    throw error;
  }
  if (!matches) return attemptFailed(deps, attempt, 'INVALID_CREDENTIALS', now);
  // A session exists only after its sign-in's second factor; re-authentication asks for it too.
  if (account.totpSecret === null) {
    await attemptNotCounted(deps, attempt);
    return fail('MFA_INVALID');
  }
  const step = matchingTotpStep(account.totpSecret, request.code, now);
  if (step === null || !totpStepAccepted(account.totpLastStep, step))
    return attemptFailed(deps, attempt, 'MFA_INVALID', now);

  const marked = await transactionOutcome(deps.db, async (tx) => {
    // Lost a race with the same code on another request: that one counts, this one does not.
    if (!(await consumeTotpStep(tx, session.userId, step))) return fail('MFA_INVALID');
    if (!(await markAuthenticated(tx, session.sessionId, now))) return fail('UNAUTHENTICATED');
    return succeed({ authenticatedAt: now });
  });
  if (!marked.ok) {
    await attemptNotCounted(deps, attempt);
    return marked;
  }
  await attemptSucceeded(deps, attempt);
  return marked;
}
