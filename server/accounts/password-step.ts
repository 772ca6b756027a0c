/**
 * First factor (`login`): the device proves its key, the client's auth key is checked against
 * the stored Argon2id hash off the event loop, and then either a session opens (MFA off) or a
 * TOTP challenge is issued: `mfa`, or `enroll-mfa` with a fresh secret for an account that has
 * none yet.
 */
import { randomUUID } from 'node:crypto';
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import { MFA_CHALLENGE_TTL_MS } from '../../shared/protocol/auth';
import { PasswordHasherError } from '../crypto/password-hasher';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import { findAccount } from './account-store';
import { loginProofValid } from './device-proof';
import { deviceKeyOf, deviceRevoked } from './device-store';
import { insertChallenge } from './mfa-challenge-store';
import {
  attemptFailed,
  attemptNotCounted,
  attemptSucceeded,
  beginAttempt,
  openSession,
  type SignInDeps,
} from './sign-in-steps';
import { newTotpSecret, otpauthUri } from './totp';

export async function passwordStep(
  deps: SignInDeps,
  request: RouteRequest<'login'>,
  remoteAddress: string,
  appVersion: string | null = null,
): Promise<Outcome<RouteResponse<'login'>>> {
  const now = deps.clock();
  const { userId, device, proof } = request;
  // The proof costs the caller nothing to make with a key of their own; it is checked first
  // because a known device id must come with its registered key.
  if (!(await loginProofValid(userId, proof, device.publicKey, now))) return fail('DEVICE_PROOF_INVALID');
  const registeredKey = await deviceKeyOf(deps.db, proof.deviceId);
  if (registeredKey !== null && registeredKey !== device.publicKey) return fail('DEVICE_PROOF_INVALID');
  // Told only to the holder of the key IT removed, before a password is tried (openSession
  // checks again, in the transaction that would open the session).
  if (registeredKey !== null && (await deviceRevoked(deps.db, proof.deviceId))) return fail('DEVICE_REVOKED');

  // The attempt's place in the throttle is taken before the slow hash check, never after.
  const begun = await beginAttempt(deps, userId, remoteAddress, now);
  if (!begun.ok) return begun;
  const attempt = begun.value;

  const account = await findAccount(deps.db, userId);
  let matches: boolean;
  try {
    const hash = account?.authKeyHash ?? (await deps.decoyHash());
    matches = (await deps.hasher.verify(hash, Buffer.from(request.authKey, 'base64'))) && account !== null;
  } catch (error) {
    await attemptNotCounted(deps, attempt);
    if (error instanceof PasswordHasherError) return fail('UNAVAILABLE');
    throw error;
  }
  if (!matches || account === null) return attemptFailed(deps, attempt, 'INVALID_CREDENTIALS', now);
  if (!account.active) {
    await attemptNotCounted(deps, attempt);
    return fail('ACCOUNT_DISABLED');
  }

  const signInDevice = { deviceId: proof.deviceId, publicKey: device.publicKey, name: device.name, appVersion };
  if (!deps.mfaRequired) {
    const opened = await transactionOutcome(deps.db, (tx) => openSession(tx, account, signInDevice, now));
    if (!opened.ok) {
      await attemptNotCounted(deps, attempt);
      return opened;
    }
    await attemptSucceeded(deps, attempt);
    return succeed({ step: 'signed-in', session: opened.value });
  }

  // The password was right, but the sign-in is not done: earlier failures stand until the code.
  await attemptNotCounted(deps, attempt);
  const enrollmentSecret = account.totpSecret === null ? newTotpSecret() : null;
  const challengeId = randomUUID();
  const expiresAt = now + MFA_CHALLENGE_TTL_MS;
  await insertChallenge(deps.db, {
    challengeId,
    userId,
    deviceId: proof.deviceId,
    devicePublicKey: device.publicKey,
    deviceName: device.name,
    enrollmentSecret,
    expiresAt,
  });
  if (enrollmentSecret === null) return succeed({ step: 'mfa', challengeId, expiresAt });
  return succeed({ step: 'enroll-mfa', challengeId, expiresAt, otpauthUri: otpauthUri(enrollmentSecret, userId) });
}
