/**
 * `enroll`: a person redeems the one-time code IT gave them and sets their password (as the
 * auth key derived over the prelogin salt), then goes on to the second factor exactly as after a
 * password (enrolling an authenticator if they have none).
 *
 * A wrong, spent or expired code counts in the sign-in throttle like a wrong password, for known
 * and unknown ids alike, and all of them answer `ENROLLMENT_INVALID`: the answer tells no one
 * whether the id exists or had a code. The code is spent, and the password set, in one
 * transaction that only succeeds while the account has no password, so of two redemptions at
 * once exactly one sets it.
 */
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import { PasswordHasherError } from '../crypto/password-hasher';
import { recordAdminEvent } from '../admin/admin-event-store';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import { findAccount, setFirstAuthKeyHash } from './account-store';
import { redeemEnrollmentCode } from './enrollment-code-store';
import { afterFirstFactor, beginFirstFactor } from './password-step';
import { attemptFailed, attemptNotCounted, type SignInDeps } from './sign-in-steps';

export async function enrollmentStep(
  deps: SignInDeps,
  request: RouteRequest<'enroll'>,
  remoteAddress: string,
  appVersion: string | null = null,
): Promise<Outcome<RouteResponse<'enroll'>>> {
  const now = deps.clock();
  const { userId } = request;
  const begun = await beginFirstFactor(deps, request, remoteAddress, now);
  if (!begun.ok) return begun;
  const attempt = begun.value;

  // Hashed before anything is spent: a hasher failure must not use up the person's code.
  let authKeyHash: string;
  try {
    authKeyHash = await deps.hasher.hash(Buffer.from(request.authKey, 'base64'));
  } catch (error) {
    await attemptNotCounted(deps, attempt);
    if (error instanceof PasswordHasherError) return fail('UNAVAILABLE');
    throw error;
  }

  const redeemed = await transactionOutcome(deps.db, async (tx) => {
    const account = await findAccount(tx, userId);
    // A deactivated person's code is as good as none: IT keeps them out.
    if (account === null || !account.active || account.authKeyHash !== null) return fail('ENROLLMENT_INVALID');
    const purpose = await redeemEnrollmentCode(tx, userId, request.enrollmentCode, now);
    if (purpose === null || !(await setFirstAuthKeyHash(tx, userId, authKeyHash))) return fail('ENROLLMENT_INVALID');
    await recordAdminEvent(tx, { at: now, actor: userId, action: 'account.enrolled', targetUserId: userId });
    return succeed({ ...account, authKeyHash });
  });
  if (!redeemed.ok) return attemptFailed(deps, attempt, 'ENROLLMENT_INVALID', now);
  deps.onAccountEvent?.();
  return afterFirstFactor(deps, attempt, redeemed.value, request, now, appVersion);
}
