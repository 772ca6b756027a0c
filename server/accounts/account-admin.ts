/**
 * Creating and deactivating accounts, for the admin API, tests and the demo. Each change is
 * recorded (admin_events or account_events) in its own transaction, for the audit trail. A password given
 * here goes through the client's own derivation (auth-key-derivation.ts), so the account signs
 * in from a real client exactly like one created any other way.
 */
import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../../shared/access/permission-matrix';
import { account as accountSchema } from '../../shared/protocol/api';
import { SALT_BYTES } from '../../shared/protocol/binary';
import type { Clock } from '../clock';
import { deriveAuthKey } from '../crypto/auth-key-derivation';
import type { PasswordHasher } from '../crypto/password-hasher';
import type { Database, Queryable } from '../db/database';
import { accountExists, insertAccount, setAccountActive } from './account-store';
import { endSession, endSessionsOfUser } from './session-store';
import { recordAccountEvent } from './account-event-store';
import { SERVER_OPERATOR } from './account-events';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor } from '../admin/admin-events';
import { accountThrottleKey, clearAccountThrottle, readThrottle, type ThrottleStatus } from './throttle-store';

export interface NewAccount {
  readonly userId: string;
  readonly password: string;
  readonly role: Role;
  readonly displayName: string;
  readonly department: string;
  readonly title: string;
  /** Base32. Pre-enrolled TOTP (demo, provisioning); without it the first sign-in enrolls. */
  readonly totpSecret?: string | undefined;
}

export interface AccountAdminDeps {
  readonly db: Database;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  /** The client KDF cost for new accounts. */
  readonly kdf: { readonly memoryMiB: number; readonly passes: number };
}

/** Admin input that is not acceptable; carries a code, never the input. */
export class AccountAdminError extends Error {
  constructor(readonly code: 'INVALID_ACCOUNT' | 'ACCOUNT_EXISTS' | 'UNKNOWN_ACCOUNT' | 'ALREADY_ENROLLED') {
    super(`Account administration failed (${code}).`);
    this.name = 'AccountAdminError';
  }
}

export async function createAccount(deps: AccountAdminDeps, input: NewAccount): Promise<void> {
  const checked = accountSchema.safeParse({
    userId: input.userId,
    displayName: input.displayName,
    role: input.role,
    department: input.department,
    title: input.title,
  });
  if (!checked.success || !ROLES.includes(input.role) || input.password.length === 0)
    throw new AccountAdminError('INVALID_ACCOUNT');
  if (input.totpSecret !== undefined && !/^[A-Z2-7]{16,}=*$/.test(input.totpSecret))
    throw new AccountAdminError('INVALID_ACCOUNT');
  const salt = randomBytes(SALT_BYTES);
  const authKey = await deriveAuthKey(deps.hasher, input.password, salt, deps.kdf);
  const authKeyHash = await deps.hasher.hash(authKey);
  const inserted = await deps.db.transaction(async (tx) => {
    const at = deps.clock();
    const created = await insertAccount(
      tx,
      {
        ...checked.data,
        salt: salt.toString('base64'),
        kdf: { ...deps.kdf },
        authKeyHash,
        totpSecret: input.totpSecret ?? null,
      },
      at,
    );
    // Who made the account, when: the role it was given is the accounts row's, not the trail's.
    if (created)
      await recordAdminEvent(tx, {
        at,
        actor: SERVER_OPERATOR,
        action: 'account.created',
        targetUserId: checked.data.userId,
      });
    return created;
  });
  if (!inserted) throw new AccountAdminError('ACCOUNT_EXISTS');
}

/** The account can no longer sign in; its sessions end now and its open streams are told why. */
/** The server's operator (the programmatic API), or the IT admin's user id, checked. */
const actingAs = (actor: string): string => (actor === SERVER_OPERATOR ? actor : checkedActor(actor));

export async function deactivateAccount(
  deps: Pick<AccountAdminDeps, 'db' | 'clock'>,
  userId: string,
  actor = SERVER_OPERATOR,
): Promise<number> {
  const by = actingAs(actor);
  const found = await deps.db.transaction((tx) => deactivateWithin(tx, userId, by, deps.clock()));
  if (found === null) throw new AccountAdminError('UNKNOWN_ACCOUNT');
  return found;
}

/**
 * Deactivation inside the caller's transaction (SCIM provisioning changes several things at once):
 * how many sessions ended, or null for an unknown account. `by` is an actor already checked.
 */
export async function deactivateWithin(tx: Queryable, userId: string, by: string, at: number): Promise<number | null> {
  if (!(await setAccountActive(tx, userId, false))) return null;
  const sessionsEnded = await endSessionsOfUser(tx, userId, 'deactivated', at);
  await recordAccountEvent(tx, { at, actor: by, action: 'account.deactivated', targetUserId: userId, sessionsEnded });
  return sessionsEnded;
}

export async function reactivateAccount(
  deps: Pick<AccountAdminDeps, 'db' | 'clock'>,
  userId: string,
  actor = SERVER_OPERATOR,
): Promise<void> {
  const by = actingAs(actor);
  const found = await deps.db.transaction((tx) => reactivateWithin(tx, userId, by, deps.clock()));
  if (!found) throw new AccountAdminError('UNKNOWN_ACCOUNT');
}

/** Reactivation inside the caller's transaction; false for an unknown account. */
export async function reactivateWithin(tx: Queryable, userId: string, by: string, at: number): Promise<boolean> {
  if (!(await setAccountActive(tx, userId, true))) return false;
  await recordAccountEvent(tx, {
    at,
    actor: by,
    action: 'account.reactivated',
    targetUserId: userId,
    sessionsEnded: 0,
  });
  return true;
}

/** Ends every session of the account (a lost badge, a suspected compromise); it may sign in again. */
export async function revokeSessions(
  deps: Pick<AccountAdminDeps, 'db' | 'clock'>,
  userId: string,
  actor = SERVER_OPERATOR,
): Promise<number> {
  const by = actingAs(actor);
  return deps.db.transaction(async (tx) => {
    const at = deps.clock();
    const sessionsEnded = await endSessionsOfUser(tx, userId, 'revoked', at);
    await recordAccountEvent(tx, {
      at,
      actor: by,
      action: 'sessions.revoked',
      targetUserId: userId,
      sessionsEnded,
    });
    return sessionsEnded;
  });
}

/** Ends one live session of the account, recorded with the IT admin as actor; false unless it was theirs and live. */
export async function endSessionOf(
  deps: Pick<AccountAdminDeps, 'db' | 'clock'>,
  userId: string,
  sessionId: string,
  actor: string,
): Promise<boolean> {
  const by = checkedActor(actor);
  return deps.db.transaction(async (tx) => {
    const at = deps.clock();
    if (!(await endSession(tx, sessionId, 'revoked', at, userId))) return false;
    await recordAccountEvent(tx, { at, actor: by, action: 'sessions.revoked', targetUserId: userId, sessionsEnded: 1 });
    return true;
  });
}

/** An account's sign-in throttle as IT sees it: consecutive failures, the last attempt, and when a hard lock was recorded. */
export async function signInThrottleOf(
  deps: Pick<AccountAdminDeps, 'db'>,
  userId: string,
): Promise<ThrottleStatus | null> {
  return readThrottle(deps.db, accountThrottleKey(userId));
}

/**
 * IT unlocks an account (attempt-throttle.ts): its failed sign-ins are forgotten, lifting the
 * hard lock and its waits at every address, and `actor` is recorded doing it on the server's chain in the same
 * transaction. Answers whether a hard lock was in force. Only real accounts: an unknown id
 * (which may be locked, exactly like a real one) is refused and nothing is recorded.
 */
export async function unlockAccount(
  deps: Pick<AccountAdminDeps, 'db' | 'clock'>,
  userId: string,
  actor: string,
): Promise<{ readonly wasLocked: boolean }> {
  const by = checkedActor(actor);
  return deps.db.transaction(async (tx) => {
    if (!(await accountExists(tx, userId))) throw new AccountAdminError('UNKNOWN_ACCOUNT');
    const cleared = await clearAccountThrottle(tx, userId);
    await recordAdminEvent(tx, { at: deps.clock(), actor: by, action: 'account.unlocked', targetUserId: userId });
    return { wasLocked: cleared?.lockedAt != null };
  });
}
