/**
 * What IT does to a person's credentials: create an account that waits for its person to enroll,
 * issue a new enrollment code, reset a lost authenticator, reset a forgotten password. IT never
 * chooses or sees a password: a one-time code (shared/protocol/enrollment.ts) lets the person set
 * their own. Each change is recorded on the server's chain with the admin as actor, in the
 * transaction that makes it.
 */
import { randomBytes } from 'node:crypto';
import { ROLES } from '../../shared/access/permission-matrix';
import { account as accountSchema, type Account } from '../../shared/protocol/account';
import { SALT_BYTES } from '../../shared/protocol/binary';
import { ENROLLMENT_CODE_TTL_MS, enrollmentCodeFrom } from '../../shared/protocol/enrollment';
import type { EnrollmentGrant } from '../../shared/protocol/admin-api';
import type { Clock } from '../clock';
import type { Database, Queryable } from '../db/database';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor } from '../admin/admin-events';
import { removeIdentity } from '../directory/identity-store';
import type { AuditSigningKey } from '../audit/audit-signing-key';
import { queueUserWipeWithin } from '../devices/wipe-queue';
import { AccountAdminError } from './account-admin';
import { recordAccountEvent } from './account-event-store';
import { clearPassword, clearTotp, findAccount, insertAccount } from './account-store';
import { storeEnrollmentCode, type EnrollmentPurpose } from './enrollment-code-store';
import { deleteChallengesOf } from './mfa-challenge-store';
import { endSessionsOfUser } from './session-store';

export interface EnrollmentAdminDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** The client KDF cost for new passwords. */
  readonly kdf: { readonly memoryMiB: number; readonly passes: number };
  /** Randomness for salts and codes (injected so tests can pin it). */
  readonly random?: (bytes: number) => Uint8Array;
}

const randomOf = (deps: Pick<EnrollmentAdminDeps, 'random'>) =>
  deps.random ?? ((bytes: number) => new Uint8Array(randomBytes(bytes)));

/** A new code for the account, replacing any earlier one, recorded as issued by `actor`. */
async function issueCode(
  tx: Queryable,
  deps: EnrollmentAdminDeps,
  userId: string,
  purpose: EnrollmentPurpose,
  actor: string,
  at: number,
): Promise<EnrollmentGrant> {
  const code = enrollmentCodeFrom(randomOf(deps)(13));
  const expiresAt = at + ENROLLMENT_CODE_TTL_MS;
  await storeEnrollmentCode(tx, { userId, code, purpose, issuedBy: actor, issuedAt: at, expiresAt });
  await recordAdminEvent(tx, { at, actor, action: 'enrollment.issued', targetUserId: userId });
  return { code, expiresAt };
}

const newSalt = (deps: Pick<EnrollmentAdminDeps, 'random'>) =>
  Buffer.from(randomOf(deps)(SALT_BYTES)).toString('base64');

/**
 * A person who signs in first with the returned code, choosing their password and enrolling an
 * authenticator then. INVALID_ACCOUNT for fields the directory would refuse; ACCOUNT_EXISTS if the
 * id is taken (by anyone, active or not: ids are never reused, the trail names people by them).
 */
export async function createPendingAccount(
  deps: EnrollmentAdminDeps,
  input: Account,
  actor: string,
): Promise<EnrollmentGrant> {
  const by = checkedActor(actor);
  const checked = accountSchema.safeParse(input);
  if (!checked.success || !ROLES.includes(checked.data.role)) throw new AccountAdminError('INVALID_ACCOUNT');
  const grant = await deps.db.transaction(async (tx) => {
    const at = deps.clock();
    if (!(await insertPendingAccount(tx, deps, checked.data, by, at))) return null;
    return issueCode(tx, deps, checked.data.userId, 'new-account', by, at);
  });
  if (grant === null) throw new AccountAdminError('ACCOUNT_EXISTS');
  return grant;
}

/**
 * The account without a password, and its creation recorded naming `by` (an actor already
 * checked), inside the caller's transaction: no code yet, so nobody can sign in to it until IT
 * issues one (`reissueEnrollment`). False if the id is taken. `account` is already checked.
 */
export async function insertPendingAccount(
  tx: Queryable,
  deps: Pick<EnrollmentAdminDeps, 'kdf' | 'random'>,
  account: Account,
  by: string,
  at: number,
): Promise<boolean> {
  const inserted = await insertAccount(
    tx,
    { ...account, salt: newSalt(deps), kdf: { ...deps.kdf }, authKeyHash: null, totpSecret: null },
    at,
  );
  if (inserted) await recordAdminEvent(tx, { at, actor: by, action: 'account.created', targetUserId: account.userId });
  return inserted;
}

/**
 * Another code for a person who has not yet set a password (the first expired or was lost).
 * For someone who has, a code would be a password reset without its warnings: ALREADY_ENROLLED.
 */
export async function reissueEnrollment(
  deps: EnrollmentAdminDeps,
  userId: string,
  actor: string,
): Promise<EnrollmentGrant> {
  const by = checkedActor(actor);
  return deps.db.transaction(async (tx) => {
    const found = await findAccount(tx, userId);
    if (found === null) throw new AccountAdminError('UNKNOWN_ACCOUNT');
    if (found.authKeyHash !== null) throw new AccountAdminError('ALREADY_ENROLLED');
    return issueCode(tx, deps, userId, 'new-account', by, deps.clock());
  });
}

/**
 * A lost authenticator: the secret goes, every session ends (a phone in someone else's hands
 * signed in nowhere any more), any second factor in progress is void, and the next sign-in with
 * the password enrolls a new authenticator. How many sessions ended.
 */
export async function resetMfa(deps: EnrollmentAdminDeps, userId: string, actor: string): Promise<number> {
  const by = checkedActor(actor);
  return deps.db.transaction(async (tx) => {
    if (!(await clearTotp(tx, userId))) throw new AccountAdminError('UNKNOWN_ACCOUNT');
    const at = deps.clock();
    await deleteChallengesOf(tx, userId);
    await recordAdminEvent(tx, { at, actor: by, action: 'mfa.reset', targetUserId: userId });
    return endSessions(tx, userId, by, at);
  });
}

/**
 * A forgotten password. The old password stops working now, every session and second factor in
 * progress ends, and the returned code lets the person choose a new password over a new salt.
 * What the old password protected cannot be opened again: the published identity keys are
 * removed (the next sign-in publishes new ones, and contacts see a key change), and the
 * person's vault on each workstation they used is shredded at its next contact (a user wipe,
 * queued in the same transaction).
 */
export async function resetPassword(
  /** `key`: the server's audit key, which signs the wipe commands the reset queues. */
  deps: EnrollmentAdminDeps & { readonly key: AuditSigningKey },
  userId: string,
  actor: string,
): Promise<{ readonly enrollment: EnrollmentGrant; readonly sessionsEnded: number }> {
  const by = checkedActor(actor);
  return deps.db.transaction(async (tx) => {
    if (!(await clearPassword(tx, userId, newSalt(deps)))) throw new AccountAdminError('UNKNOWN_ACCOUNT');
    const at = deps.clock();
    await deleteChallengesOf(tx, userId);
    await removeIdentity(tx, userId);
    await recordAdminEvent(tx, { at, actor: by, action: 'password.reset', targetUserId: userId });
    // Each workstation they used shreds their vault at its next contact: the new password cannot open it.
    await queueUserWipeWithin(tx, deps.key, userId, by, at);
    const sessionsEnded = await endSessions(tx, userId, by, at);
    return { enrollment: await issueCode(tx, deps, userId, 'password-reset', by, at), sessionsEnded };
  });
}

async function endSessions(tx: Queryable, userId: string, actor: string, at: number): Promise<number> {
  const sessionsEnded = await endSessionsOfUser(tx, userId, 'revoked', at);
  if (sessionsEnded > 0)
    await recordAccountEvent(tx, { at, actor, action: 'sessions.revoked', targetUserId: userId, sessionsEnded });
  return sessionsEnded;
}
