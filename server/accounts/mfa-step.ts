/**
 * Second factor (`verifyMfa`): a TOTP code for the challenge's account (or, on enrollment, for
 * the secret just shown). A code is good once: its time step is used up atomically together
 * with the challenge, and the session opens in the same transaction. An enrollment is confirmed
 * only while the account has no secret yet, in the same statement that stores it, so of two
 * enrollments pending at once the first confirmed stands and the other is refused
 * (`MFA_ALREADY_ENROLLED`), never silently replacing it.
 */
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import { confirmTotpEnrollment, consumeTotpStep, findAccount } from './account-store';
import { consumeChallenge, findChallenge } from './mfa-challenge-store';
import {
  attemptFailed,
  attemptNotCounted,
  attemptSucceeded,
  beginAttempt,
  openSession,
  type SignInDeps,
} from './sign-in-steps';
import { matchingTotpStep } from './totp';
import { totpStepAccepted } from './totp-replay';

export async function mfaStep(
  deps: SignInDeps,
  request: RouteRequest<'verifyMfa'>,
  remoteAddress: string,
  appVersion: string | null = null,
): Promise<Outcome<RouteResponse<'verifyMfa'>>> {
  const now = deps.clock();
  const challenge = await findChallenge(deps.db, request.challengeId);
  if (challenge === null || challenge.expiresAt <= now) return fail('MFA_EXPIRED');
  const { userId } = challenge;
  // The attempt's place in the throttle is taken before the code is checked, never after.
  const begun = await beginAttempt(deps, userId, remoteAddress, now);
  if (!begun.ok) return begun;
  const attempt = begun.value;

  const account = await findAccount(deps.db, userId);
  if (account === null || !account.active) {
    await attemptNotCounted(deps, attempt);
    return fail('ACCOUNT_DISABLED');
  }
  const secret = challenge.enrollmentSecret ?? account.totpSecret;
  if (secret === null) {
    await attemptNotCounted(deps, attempt);
    return fail('MFA_EXPIRED');
  }
  if (challenge.enrollmentSecret !== null && account.totpSecret !== null) {
    // Another enrollment of this account was confirmed first: that secret stands.
    await attemptNotCounted(deps, attempt);
    return fail('MFA_ALREADY_ENROLLED');
  }

  const step = matchingTotpStep(secret, request.code, now);
  if (step === null || !totpStepAccepted(account.totpLastStep, step))
    return attemptFailed(deps, attempt, 'MFA_INVALID', now);

  const device = {
    deviceId: challenge.deviceId,
    publicKey: challenge.devicePublicKey,
    name: challenge.deviceName,
    appVersion,
  };
  const opened = await transactionOutcome(deps.db, async (tx) => {
    if (!(await consumeChallenge(tx, challenge.challengeId, now))) return fail('MFA_EXPIRED');
    if (challenge.enrollmentSecret !== null) {
      // The same, confirmed by a request running alongside this one.
      if (!(await confirmTotpEnrollment(tx, userId, challenge.enrollmentSecret, step)))
        return fail('MFA_ALREADY_ENROLLED');
    } else if (!(await consumeTotpStep(tx, userId, step))) {
      // Lost a race with the same code on another request: that one signed in, this one did not.
      return fail('MFA_INVALID');
    }
    return openSession(tx, account, device, now, deps.archive);
  });
  if (!opened.ok) {
    // A right code that lost a race is no guess; the place it took is handed back.
    await attemptNotCounted(deps, attempt);
    return opened;
  }
  await attemptSucceeded(deps, attempt);
  return succeed({ session: opened.value });
}
