/**
 * The administration API's handlers (shared/protocol/admin-api.ts). Who may call them is decided
 * before they run (server/http/route-access.ts: `admin.manage`, and a fresh re-authentication for
 * the destructive ones); each records its action on the server's chain in the transaction that
 * takes effect, naming the IT admin as the actor and the person acted on.
 */
import type { adminRoutes } from '../../shared/protocol/admin-api';
import {
  AccountAdminError,
  deactivateAccount,
  endSessionOf,
  reactivateAccount,
  revokeSessions,
  unlockAccount,
} from '../accounts/account-admin';
import { createPendingAccount, reissueEnrollment, resetMfa, resetPassword } from '../accounts/account-enrollment';
import { setDepartmentLead } from '../accounts/department-lead';
import { accountExists } from '../accounts/account-store';
import type { ProtocolErrorCode } from '../../shared/protocol/errors';
import type { AuditSigningKey } from '../audit/audit-signing-key';
import { liveSessionsOf } from '../accounts/session-store';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { RouteHandlers } from '../http/api-routes';
import { fail, succeed, type Outcome } from '../outcome';
import { recordAdminLookup } from './admin-lookup';
import { AdminInputError } from './admin-events';
import { searchAdminAccounts } from './admin-account-store';

export interface AdminApiDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** The server's audit key: it signs the wipe commands a password reset queues. */
  readonly audit: { readonly key: AuditSigningKey };
  /** The client KDF cost for passwords set from now on. */
  readonly accountKdf: { readonly memoryMiB: number; readonly passes: number };
  /** An account event was recorded (fold it into the chain soon). */
  readonly onAccountEvent?: () => void;
  /** A served or admin event was recorded (fold it soon). */
  readonly onServed?: () => void;
}

type AdminHandlers = Pick<RouteHandlers, keyof typeof adminRoutes>;

/** An unknown or malformed account id is the same answer: there is no such person. */
async function onAccount<T>(act: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return succeed(await act());
  } catch (error) {
    if (error instanceof AccountAdminError) return fail(PROTOCOL_CODES[error.code]);
    if (error instanceof AdminInputError) return fail('NOT_FOUND');
    throw error;
  }
}

const PROTOCOL_CODES = {
  UNKNOWN_ACCOUNT: 'NOT_FOUND',
  INVALID_ACCOUNT: 'MALFORMED_REQUEST',
  ACCOUNT_EXISTS: 'ACCOUNT_EXISTS',
  ALREADY_ENROLLED: 'ALREADY_ENROLLED',
} as const satisfies Record<AccountAdminError['code'], ProtocolErrorCode>;

export function createAdminHandlers(deps: AdminApiDeps): AdminHandlers {
  const enrollment = { db: deps.db, clock: deps.clock, kdf: deps.accountKdf };
  const folded = <T>(outcome: Outcome<T>): Outcome<T> => {
    deps.onAccountEvent?.();
    deps.onServed?.();
    return outcome;
  };
  /** A read of accounts or sessions: recorded as a search by its result count, naming the admin. */
  const recordLookup = (actor: string, resultCount: number) => recordAdminLookup(deps, actor, resultCount);
  return {
    adminSearchAccounts: async ({ body, session }) => {
      const page = await searchAdminAccounts(deps.db, { ...body, now: deps.clock() });
      await recordLookup(session.userId, page.accounts.length);
      return folded(succeed(page));
    },
    adminCreateAccount: async ({ body, session }) =>
      folded(
        await onAccount(async () => ({ enrollment: await createPendingAccount(enrollment, body, session.userId) })),
      ),
    adminIssueEnrollment: async ({ body, session }) =>
      folded(
        await onAccount(async () => ({
          enrollment: await reissueEnrollment(enrollment, body.userId, session.userId),
        })),
      ),
    adminResetMfa: async ({ body, session }) => {
      // As with deactivation: the admin signed in here would end their own session.
      if (body.userId === session.userId) return fail('FORBIDDEN');
      return folded(
        await onAccount(async () => ({ sessionsEnded: await resetMfa(enrollment, body.userId, session.userId) })),
      );
    },
    adminResetPassword: async ({ body, session }) => {
      if (body.userId === session.userId) return fail('FORBIDDEN');
      return folded(
        await onAccount(() => resetPassword({ ...enrollment, key: deps.audit.key }, body.userId, session.userId)),
      );
    },
    adminDeactivate: async ({ body, session }) => {
      // The admin signed in here would end their own session and lock themselves out.
      if (body.userId === session.userId) return fail('FORBIDDEN');
      return folded(
        await onAccount(async () => ({
          sessionsEnded: await deactivateAccount(deps, body.userId, session.userId),
        })),
      );
    },
    adminReactivate: async ({ body, session }) =>
      folded(await onAccount(async () => (await reactivateAccount(deps, body.userId, session.userId), {}))),
    adminUnlock: async ({ body, session }) =>
      folded(await onAccount(() => unlockAccount(deps, body.userId, session.userId))),
    adminEndSessions: async ({ body, session }) =>
      folded(
        await onAccount(async () => ({
          sessionsEnded: await revokeSessions(deps, body.userId, session.userId),
        })),
      ),
    adminSetDepartmentLead: async ({ body, session }) => folded(await setDepartmentLead(deps, body, session.userId)),
    adminListSessions: async ({ body, session }) => {
      if (!(await accountExists(deps.db, body.userId))) return fail('NOT_FOUND');
      const sessions = await liveSessionsOf(deps.db, body.userId, deps.clock());
      await recordLookup(session.userId, sessions.length);
      return folded(succeed({ sessions }));
    },
    adminEndSession: async ({ body, session }) => {
      const ended = await endSessionOf(deps, body.userId, body.sessionId, session.userId);
      return ended ? folded(succeed({})) : fail('NOT_FOUND');
    },
  };
}
