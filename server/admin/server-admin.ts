/**
 * The server's programmatic administration: what tests, the demo seeder and an embedding app
 * use to manage accounts, in process (the admin API over HTTP is admin-api-handlers.ts). Every change here is
 * recorded (account_events or admin_events) and joins the server's audit chain.
 */
import {
  createAccount,
  deactivateAccount,
  reactivateAccount,
  revokeSessions,
  signInThrottleOf,
  unlockAccount,
  type AccountAdminDeps,
  type NewAccount,
} from '../accounts/account-admin';
import type { ThrottleStatus } from '../accounts/throttle-store';
import type { AuditSigningKey } from '../audit/audit-signing-key';
import { createPendingAccount, resetMfa, resetPassword } from '../accounts/account-enrollment';
import { SERVER_OPERATOR } from '../accounts/account-events';
import type { Account } from '../../shared/protocol/account';
import type { EnrollmentGrant } from '../../shared/protocol/admin-api';
import { accountEventsOf } from '../accounts/account-event-store';
import type { AccountEvent } from '../accounts/account-events';
import type { RoleAddress } from '../directory/role-address-store';
import { saveRoleAddress } from '../directory/role-address-admin';
import { adminEvents } from './admin-event-store';
import type { AdminEvent, AdminEventAction } from './admin-events';
import { sweepExpired, type HousekeepingDeps, type SweepResult } from './housekeeping';
import type { SignedTreeHead, StoredEntry } from '../../shared/audit/audit-entry';
import { auditAlerts, type AuditAlert } from '../audit/audit-alert-store';
import type { AuditFilter } from '../audit/audit-filter';
import { treeHeads } from '../audit/audit-head-store';
import { searchAuditRecords } from '../audit/audit-record-store';
import { placeLegalHold, purgeExpiredAudit, releaseLegalHold } from '../audit/audit-retention';
import { legalHolds, type LegalHold } from '../audit/legal-hold-store';

export interface ServerAdmin {
  createAccount(input: NewAccount): Promise<void>;
  /** A person who sets their own password with the returned one-time code (`npm run admin`, tests); `actor` an admin's user id. */
  createPendingAccount(input: Account, actor?: string): Promise<EnrollmentGrant>;
  /** A forgotten password (account-enrollment.ts): the old one stops working; the returned code sets a new one. */
  resetPassword(userId: string, actor?: string): Promise<{ enrollment: EnrollmentGrant; sessionsEnded: number }>;
  /** A lost authenticator: the next sign-in enrolls one. How many sessions ended. */
  resetMfa(userId: string, actor?: string): Promise<number>;
  createRoleAddress(input: RoleAddress & { readonly members: readonly string[] }): Promise<void>;
  /** Signs the account out everywhere (`session-ended: deactivated`) and keeps it out; how many sessions ended. */
  deactivate(userId: string): Promise<number>;
  reactivate(userId: string): Promise<void>;
  /** Ends every session of the account (`session-ended: revoked`); returns how many. */
  revokeSessions(userId: string): Promise<number>;
  /** The account's failed sign-ins as they count now, or null if none (what the admin API shows before an unlock). */
  signInThrottle(userId: string): Promise<ThrottleStatus | null>;
  /** IT lifts the account's sign-in lock (and any wait), recorded with `actor` (an IT admin's user id); whether a hard lock was in force. */
  unlockAccount(userId: string, actor: string): Promise<{ readonly wasLocked: boolean }>;
  sweepExpired(): Promise<SweepResult>;
  /** Who ended or restored this account's access, and when (for compliance). */
  accountEvents(userId: string): Promise<AccountEvent[]>;
  /** The audit trail, filtered as the compliance view filters it. */
  auditRecords(filter?: AuditFilter): Promise<StoredEntry[]>;
  auditAlerts(): Promise<AuditAlert[]>;
  /** Every signed tree head, oldest first. */
  auditHeads(): Promise<SignedTreeHead[]>;
  /** Keeps every audit record (userId null) or one user's, past retention, until released. */
  placeLegalHold(userId: string | null, actor: string): Promise<string>;
  releaseLegalHold(holdId: string, actor: string): Promise<boolean>;
  legalHolds(): Promise<LegalHold[]>;
  /** Removes the content of records received longer ago than the retention (at least six years) and under no hold. */
  purgeExpiredAudit(retentionYears: number, actor?: string): Promise<number>;
  /** The administrative actions recorded besides access changes, with a purge's count and range. */
  adminEvents(filter?: { action?: AdminEventAction }): Promise<AdminEvent[]>;
}

export function createServerAdmin(
  deps: AccountAdminDeps & HousekeepingDeps & { readonly key: AuditSigningKey },
): ServerAdmin {
  return {
    createAccount: (input) => createAccount(deps, input),
    createPendingAccount: (input, actor = SERVER_OPERATOR) => createPendingAccount(deps, input, actor),
    resetPassword: (userId, actor = SERVER_OPERATOR) => resetPassword(deps, userId, actor),
    resetMfa: (userId, actor = SERVER_OPERATOR) => resetMfa(deps, userId, actor),
    createRoleAddress: (input) => saveRoleAddress(deps, input),
    deactivate: (userId) => deactivateAccount(deps, userId),
    reactivate: (userId) => reactivateAccount(deps, userId),
    revokeSessions: (userId) => revokeSessions(deps, userId),
    signInThrottle: (userId) => signInThrottleOf(deps, userId),
    unlockAccount: (userId, actor) => unlockAccount(deps, userId, actor),
    sweepExpired: () => sweepExpired(deps),
    accountEvents: (userId) => accountEventsOf(deps.db, userId),
    auditRecords: (filter = {}) => searchAuditRecords(deps.db, filter),
    auditAlerts: () => auditAlerts(deps.db),
    auditHeads: () => treeHeads(deps.db),
    placeLegalHold: (userId, actor) => placeLegalHold(deps.db, deps.clock, { userId, actor }),
    releaseLegalHold: (holdId, actor) => releaseLegalHold(deps.db, deps.clock, { holdId, actor }),
    legalHolds: () => legalHolds(deps.db),
    purgeExpiredAudit: (retentionYears, actor) => purgeExpiredAudit(deps.db, deps.clock, retentionYears, actor),
    adminEvents: (filter) => adminEvents(deps.db, filter),
  };
}
