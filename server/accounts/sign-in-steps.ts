/**
 * What both sign-in steps (password, then TOTP) share: the throttle place each attempt takes
 * before anything is verified, what becomes of it afterwards, and the end of a successful
 * sign-in (device registered, session created, answer built).
 *
 * Unknown and known account ids go through exactly the same gates, counters and answers, so
 * neither the codes nor the lockouts tell anyone whether an id exists.
 */
import type { Session } from '../../shared/protocol/api';
import type { ArchiveRequirement } from '../../shared/protocol/archive-key';
import type { Clock } from '../clock';
import type { PasswordHasher } from '../crypto/password-hasher';
import type { Database, Queryable } from '../db/database';
import { findIdentity } from '../directory/identity-store';
import { fail, succeed, type Failure, type Outcome } from '../outcome';
import { recordAdminEvent } from '../admin/admin-event-store';
import { SERVER_ITSELF } from '../admin/admin-events';
import { recordServed, servedEvent } from '../audit/served-events';
import { accountExists, accountOf, type AccountRecord } from './account-store';
import { retryAfterFailure, type ThrottlePolicy } from './attempt-throttle';
import { recordDeviceContact, registerDevice } from './device-store';
import { createSession } from './session-store';
import {
  accountAtAddressThrottleKey,
  accountThrottleKey,
  addressThrottleKey,
  confirmHardLock,
  giveBack,
  reserveAttempt,
  type Place,
} from './throttle-store';

export interface SignInDeps {
  readonly db: Database;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly mfaRequired: boolean;
  /** The archive key this server requires envelopes to be sealed to, told to each session at sign-in. */
  readonly archive: ArchiveRequirement | null;
  /** Per account id from anywhere: waits after many failures, then the hard lock (attempt-throttle.ts ACCOUNT_THROTTLE). */
  readonly accountThrottle: ThrottlePolicy;
  /** Per account id at one address: the growing waits. */
  readonly accountAtAddressThrottle: ThrottlePolicy;
  readonly addressThrottle: ThrottlePolicy;
  /** A hash of a random key at the real cost, verified against for unknown ids so they take as long. */
  readonly decoyHash: () => Promise<string>;
  /** An account or admin event was written (a lockout, a session ended): fold it into the trail. */
  readonly onAccountEvent?: () => void;
}

/** A sign-in attempt holding its place in the account's, the account-at-address and the address's throttle. */
export interface Attempt {
  readonly userId: string;
  readonly address: string;
  readonly at: number;
  /** Its place among the account's consecutive failures (counting itself), and the last attempt before it. */
  readonly account: Place;
  /** The same among the account's failures from this address. */
  readonly accountAtAddress: Place;
  readonly remote: Place;
}

/**
 * Takes the attempt's place before anything is verified (attempt-throttle.ts): refused at once
 * while the account id is locked (`ACCOUNT_LOCKED`, until IT unlocks it) or the account at this
 * address, the account from anywhere, or the address must wait (`THROTTLED`, with the seconds to
 * wait). Someone else's guesses from another address make this one wait only once they reach
 * the account-wide policy's `freeFailures`.
 */
export async function beginAttempt(
  deps: SignInDeps,
  userId: string,
  address: string,
  now: number,
): Promise<Outcome<Attempt>> {
  const reserved = await reserveAttempt(
    deps.db,
    [
      // This order, always (throttle-store.ts reserveAttempt).
      { key: accountThrottleKey(userId), policy: deps.accountThrottle },
      { key: accountAtAddressThrottleKey(userId, address), policy: deps.accountAtAddressThrottle },
      { key: addressThrottleKey(address), policy: deps.addressThrottle },
    ],
    now,
  );
  if (!reserved.ok)
    return reserved.error.verdict.reason === 'locked'
      ? fail('ACCOUNT_LOCKED')
      : fail('THROTTLED', reserved.error.verdict.retryAfterSeconds);
  const [account, accountAtAddress, remote] = reserved.value;
  if (account === undefined || accountAtAddress === undefined || remote === undefined)
    throw new Error('a reservation without its places');
  return succeed({ userId, address, at: now, account, accountAtAddress, remote });
}

/**
 * A wrong password or code: the attempt stays counted. The answer says how long the next attempt
 * waits, or, when this failure reached the hard lock, `ACCOUNT_LOCKED`; a real account's lock
 * joins the server's chain once (an unknown id records nothing: it may be anything typed).
 */
export async function attemptFailed(
  deps: SignInDeps,
  attempt: Attempt,
  code: 'INVALID_CREDENTIALS' | 'MFA_INVALID' | 'ENROLLMENT_INVALID',
  now: number,
): Promise<Failure> {
  const { hardLockAt } = deps.accountThrottle;
  if (hardLockAt !== null && attempt.account.place >= hardLockAt) {
    const recorded = { lockout: false };
    const locked = await confirmHardLock(deps.db, accountThrottleKey(attempt.userId), hardLockAt, now, async (tx) => {
      if (!(await accountExists(tx, attempt.userId))) return;
      await recordAdminEvent(tx, {
        at: now,
        actor: SERVER_ITSELF,
        action: 'account.locked-out',
        targetUserId: attempt.userId,
        outcome: 'failure',
        reason: code,
      });
      recorded.lockout = true;
    });
    if (recorded.lockout) deps.onAccountEvent?.();
    if (locked) return fail('ACCOUNT_LOCKED');
  }
  await recordRefusal(deps.db, attempt.userId, code, now);
  const wait = Math.max(
    retryAfterFailure(attempt.account.place, deps.accountThrottle) ?? 0,
    retryAfterFailure(attempt.accountAtAddress.place, deps.accountAtAddressThrottle) ?? 0,
    retryAfterFailure(attempt.remote.place, deps.addressThrottle) ?? 0,
  );
  return wait > 0 ? fail(code, wait) : fail(code);
}

/**
 * The server's own record of a wrong password or code for a real account (served-events.ts), so
 * a password spray shows in the trail and the SIEM, not only its lockouts. The account is the
 * object, never the actor (whoever typed it is not known); an unknown id records nothing.
 */
async function recordRefusal(
  db: Queryable,
  userId: string,
  code: 'INVALID_CREDENTIALS' | 'MFA_INVALID' | 'ENROLLMENT_INVALID',
  now: number,
): Promise<void> {
  if (!(await accountExists(db, userId))) return;
  await recordServed(
    db,
    servedEvent({
      at: now,
      actor: null,
      action: code === 'MFA_INVALID' ? 'mfa.failed' : 'sign-in.failed',
      object: { kind: 'account', id: userId },
      outcome: 'failure',
      reason: code,
    }),
  );
}

/** Not a failed guess after all (the right password before its code, a code used by a concurrent request, a disabled account): handed back. */
export async function attemptNotCounted(deps: SignInDeps, attempt: Attempt): Promise<void> {
  await giveBack(deps.db, accountThrottleKey(attempt.userId), 1, attempt.at, attempt.account.previousAttemptAt);
  await giveBack(
    deps.db,
    accountAtAddressThrottleKey(attempt.userId, attempt.address),
    1,
    attempt.at,
    attempt.accountAtAddress.previousAttemptAt,
  );
  await giveBack(deps.db, addressThrottleKey(attempt.address), 1, attempt.at, attempt.remote.previousAttemptAt);
}

/**
 * Signed in: the account's failures up to this attempt are forgiven, from anywhere and from this
 * address (any after it stand); the address gets this place back.
 */
export async function attemptSucceeded(deps: SignInDeps, attempt: Attempt): Promise<void> {
  await giveBack(
    deps.db,
    accountThrottleKey(attempt.userId),
    attempt.account.place,
    attempt.at,
    attempt.account.previousAttemptAt,
  );
  const atAddress = attempt.accountAtAddress;
  await giveBack(
    deps.db,
    accountAtAddressThrottleKey(attempt.userId, attempt.address),
    atAddress.place,
    attempt.at,
    atAddress.previousAttemptAt,
  );
  await giveBack(deps.db, addressThrottleKey(attempt.address), 1, attempt.at, attempt.remote.previousAttemptAt);
}

export interface SignInDevice {
  readonly deviceId: string;
  readonly publicKey: string;
  readonly name: string;
  /** The client's `wardline-version` header, if it sent one. */
  readonly appVersion?: string | null;
}

/**
 * Registers the device (first use) and opens the session, inside the caller's transaction. The
 * device's row stays locked until that transaction ends, so a revocation either finds this
 * session and ends it, or came first and the sign-in is refused (device-store.ts).
 */
export async function openSession(
  tx: Queryable,
  account: AccountRecord,
  device: SignInDevice,
  now: number,
  archive: ArchiveRequirement | null,
): Promise<Outcome<Session>> {
  if (!(await registerDevice(tx, device.deviceId, device.publicKey, now))) return fail('DEVICE_PROOF_INVALID');
  const contact = {
    at: now,
    appVersion: device.appVersion ?? null,
    signIn: { deviceName: device.name, userId: account.userId },
  };
  if (!(await recordDeviceContact(tx, device.deviceId, contact))) return fail('DEVICE_REVOKED');
  const created = await createSession(
    tx,
    { userId: account.userId, deviceId: device.deviceId, deviceName: device.name },
    now,
  );
  return succeed({
    sessionId: created.sessionId,
    token: created.token,
    expiresAt: created.expiresAt,
    maxExpiresAt: created.maxExpiresAt,
    account: accountOf(account),
    identity: await findIdentity(tx, account.userId),
    archive,
  });
}
