/**
 * First factor (`login`): the device proves its key, the client's auth key is checked against
 * the stored Argon2id hash off the event loop, and then either a session opens (MFA off) or a
 * TOTP challenge is issued: `mfa`, or `enroll-mfa` with a fresh secret for an account that has
 * none yet.
 */
import { randomUUID } from 'node:crypto';
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import { MFA_CHALLENGE_TTL_MS, type DeviceProof } from '../../shared/protocol/auth';
import { PasswordHasherError } from '../crypto/password-hasher';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import { credentialsStillValid, findAccount, type AccountRecord } from './account-store';
import { loginProofValid } from './device-proof';
import { deviceKeyOf, deviceRevoked } from './device-store';
import { insertChallenge } from './mfa-challenge-store';
import {
  attemptFailed,
  attemptNotCounted,
  attemptSucceeded,
  beginAttempt,
  openSession,
  type Attempt,
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
  const { userId } = request;
  const begun = await beginFirstFactor(deps, request, remoteAddress, now);
  if (!begun.ok) return begun;
  const attempt = begun.value;

  const account = await findAccount(deps.db, userId);
  let matches: boolean;
  try {
    // An unknown id, or an account whose person has not set a password yet, costs the same and never matches.
    const hash = account?.authKeyHash ?? (await deps.decoyHash());
    matches = (await deps.hasher.verify(hash, Buffer.from(request.authKey, 'base64'))) && account?.authKeyHash != null;
  } catch (error) {
    await attemptNotCounted(deps, attempt);
    if (error instanceof PasswordHasherError) return fail('UNAVAILABLE');
    throw error;
  }
  if (!matches || account?.authKeyHash == null) return attemptFailed(deps, attempt, 'INVALID_CREDENTIALS', now);
  if (!account.active) {
    await attemptNotCounted(deps, attempt);
    return fail('ACCOUNT_DISABLED');
  }

  return afterFirstFactor(deps, attempt, { ...account, authKeyHash: account.authKeyHash }, request, now, appVersion);
}

/**
 * What a first factor (a password, or an enrollment code) checks before anything secret: the
 * device proof (it costs the caller nothing to make with a key of their own; a known device id
 * must come with its registered key), that IT has not revoked the device (told only to the
 * holder of its key; openSession checks again in the transaction that would open a session),
 * and then the attempt's place in the throttle, taken before the slow check, never after.
 */
export async function beginFirstFactor(
  deps: SignInDeps,
  request: { readonly userId: string; readonly device: { readonly publicKey: string }; readonly proof: DeviceProof },
  remoteAddress: string,
  now: number,
): Promise<Outcome<Attempt>> {
  const { userId, device, proof } = request;
  if (!(await loginProofValid(userId, proof, device.publicKey, now))) return fail('DEVICE_PROOF_INVALID');
  const registeredKey = await deviceKeyOf(deps.db, proof.deviceId);
  if (registeredKey !== null && registeredKey !== device.publicKey) return fail('DEVICE_PROOF_INVALID');
  if (registeredKey !== null && (await deviceRevoked(deps.db, proof.deviceId))) return fail('DEVICE_REVOKED');
  return beginAttempt(deps, userId, remoteAddress, now);
}

/**
 * The first factor checked (a password, or an enrollment code with the new password): a session
 * (MFA off) or a second-factor challenge, each only while the password checked is still the
 * account's (`credentialsStillValid`), so a reset committed meanwhile wins.
 */
export async function afterFirstFactor(
  deps: SignInDeps,
  attempt: Attempt,
  account: AccountRecord & { readonly authKeyHash: string },
  request: {
    readonly userId: string;
    readonly device: { readonly publicKey: string; readonly name: string };
    readonly proof: DeviceProof;
  },
  now: number,
  /** The client's `wardline-version` header, if it sent one. */
  appVersion: string | null,
): Promise<Outcome<RouteResponse<'login'>>> {
  const { userId, device, proof } = request;
  const signInDevice = { deviceId: proof.deviceId, publicKey: device.publicKey, name: device.name, appVersion };
  if (!deps.mfaRequired) {
    const opened = await transactionOutcome(deps.db, async (tx) =>
      (await credentialsStillValid(tx, userId, account.authKeyHash))
        ? openSession(tx, account, signInDevice, now, deps.archive)
        : fail('INVALID_CREDENTIALS'),
    );
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
  const issued = await deps.db.transaction(async (tx) => {
    if (!(await credentialsStillValid(tx, userId, account.authKeyHash))) return false;
    await insertChallenge(tx, {
      challengeId,
      userId,
      deviceId: proof.deviceId,
      devicePublicKey: device.publicKey,
      deviceName: device.name,
      enrollmentSecret,
      expiresAt,
    });
    return true;
  });
  if (!issued) return fail('INVALID_CREDENTIALS');
  if (enrollmentSecret === null) return succeed({ step: 'mfa', challengeId, expiresAt });
  return succeed({ step: 'enroll-mfa', challengeId, expiresAt, otpauthUri: otpauthUri(enrollmentSecret, userId) });
}
