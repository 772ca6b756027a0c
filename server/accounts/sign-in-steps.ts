/**
 * What both sign-in steps (password, then TOTP) share: the throttle in front of them, the
 * failure accounting behind them, and the end of a successful sign-in (device registered,
 * session created, answer built).
 *
 * Unknown and known account ids go through exactly the same gates, counters and answers, so
 * neither the codes nor the lockouts tell anyone whether an id exists.
 */
import type { Session } from '../../shared/protocol/api';
import type { Clock } from '../clock';
import type { PasswordHasher } from '../crypto/password-hasher';
import type { Database, Queryable } from '../db/database';
import { findIdentity } from '../directory/identity-store';
import { fail, succeed, type Failure, type Outcome } from '../outcome';
import { recordAdminEvent, SERVER_ITSELF } from '../admin/admin-events';
import { accountOf, type AccountRecord } from './account-store';
import { throttleVerdict, type ThrottlePolicy } from './attempt-throttle';
import { registerDevice } from './device-store';
import { createSession } from './session-store';
import { accountThrottleKey, addressThrottleKey, clearThrottle, readThrottle, recordThrottleFailure } from './throttle-store';

export interface SignInDeps {
  readonly db: Database;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly mfaRequired: boolean;
  readonly accountThrottle: ThrottlePolicy;
  readonly addressThrottle: ThrottlePolicy;
  /** A hash of a random key at the real cost, verified against for unknown ids so they take as long. */
  readonly decoyHash: () => Promise<string>;
  /** An account or admin event was written (a lockout, a session ended): fold it into the trail. */
  readonly onAccountEvent?: () => void;
}

/** Refuses at once while the account id or the address is locked out. */
export async function throttleGate(deps: SignInDeps, userId: string, address: string, now: number): Promise<Failure | null> {
  const account = throttleVerdict(await readThrottle(deps.db, accountThrottleKey(userId)), now);
  if (!account.allowed) return fail('ACCOUNT_LOCKED', account.retryAfterSeconds);
  const remote = throttleVerdict(await readThrottle(deps.db, addressThrottleKey(address)), now);
  if (!remote.allowed) return fail('THROTTLED', remote.retryAfterSeconds);
  return null;
}

/** Counts a failed attempt against the id and the address; the attempt that locks either says so. */
export async function countFailure(
  deps: SignInDeps,
  userId: string,
  address: string,
  now: number,
  code: 'INVALID_CREDENTIALS' | 'MFA_INVALID',
): Promise<Failure> {
  const recorded = { lockout: false };
  // A real account's lockout joins the server's chain; an unknown id records nothing (it may be anything typed).
  const account = await recordThrottleFailure(deps.db, accountThrottleKey(userId), deps.accountThrottle, now, async (tx) => {
    if ((await tx.query('SELECT 1 FROM accounts WHERE user_id = $1', [userId])).length === 0) return;
    await recordAdminEvent(tx, { at: now, actor: SERVER_ITSELF, action: 'account.locked-out', targetUserId: userId, outcome: 'failure', reason: code });
    recorded.lockout = true;
  });
  if (recorded.lockout) deps.onAccountEvent?.();
  const remote = await recordThrottleFailure(deps.db, addressThrottleKey(address), deps.addressThrottle, now);
  const accountVerdict = throttleVerdict(account, now);
  if (!accountVerdict.allowed) return fail('ACCOUNT_LOCKED', accountVerdict.retryAfterSeconds);
  const remoteVerdict = throttleVerdict(remote, now);
  if (!remoteVerdict.allowed) return fail('THROTTLED', remoteVerdict.retryAfterSeconds);
  return fail(code);
}

export async function clearAccountFailures(deps: SignInDeps, userId: string): Promise<void> {
  await clearThrottle(deps.db, accountThrottleKey(userId));
}

export interface SignInDevice {
  readonly deviceId: string;
  readonly publicKey: string;
  readonly name: string;
}

/** Registers the device (first use) and opens the session, inside the caller's transaction. */
export async function openSession(tx: Queryable, account: AccountRecord, device: SignInDevice, now: number): Promise<Outcome<Session>> {
  if (!(await registerDevice(tx, device.deviceId, device.publicKey, now))) return fail('DEVICE_PROOF_INVALID');
  const created = await createSession(tx, { userId: account.userId, deviceId: device.deviceId, deviceName: device.name }, now);
  return succeed({
    sessionId: created.sessionId,
    token: created.token,
    expiresAt: created.expiresAt,
    maxExpiresAt: created.maxExpiresAt,
    account: accountOf(account),
    identity: await findIdentity(tx, account.userId),
  });
}
