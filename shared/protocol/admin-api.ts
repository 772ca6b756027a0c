/**
 * The administration API (`/v1/admin/…`): what the IT admin role's Administration view and
 * `npm run admin` call. Every route needs an `it-admin` session (`admin.manage`); destructive ones
 * are `fresh` (a re-authentication within the last five minutes). Each call joins the server's
 * audit chain naming its object, in the same transaction as its effect.
 */
import { z } from 'zod';
import { account } from './account';
import { enrollmentCode } from './enrollment';
import { epochMs, userId, uuid } from './identifiers';
import type { RouteSpec } from './route-spec';

const text = (max: number) => z.string().max(max);
export const ADMIN_PAGE_MAX = 100;

/** A person as IT sees them: the directory entry, whether they may sign in, and whether they are locked out. */
export const adminAccount = account.extend({
  active: z.boolean(),
  /** Locked out by failed sign-ins until IT unlocks the account. */
  locked: z.boolean(),
  liveSessions: z.number().int().nonnegative(),
  /** The last time any of their sessions was used, or null if they never signed in. */
  lastSeenAt: epochMs.nullable(),
  /** `pending` until the person has set a password with their one-time enrollment code. */
  enrollment: z.enum(['pending', 'enrolled']),
  /** When the outstanding enrollment code (new account or password reset) stops working, or null if none. */
  enrollmentExpiresAt: epochMs.nullable(),
  /** Whether an authenticator is enrolled; false after an MFA reset until the next sign-in enrolls one. */
  mfaEnrolled: z.boolean(),
  /**
   * Whether they lead their department now (IT marked them, and it is still their department):
   * they keep its approved templates (shared/protocol/lead-template-api.ts).
   */
  departmentLead: z.boolean(),
});
export type AdminAccount = z.infer<typeof adminAccount>;

const forAccount = z.strictObject({ userId });

/** A one-time enrollment code, shown to IT once and handed to the person; the server keeps only its digest. */
export const enrollmentGrant = z.strictObject({ code: enrollmentCode, expiresAt: epochMs });
export type EnrollmentGrant = z.infer<typeof enrollmentGrant>;

/** A live session of a person, as IT sees it: which workstation, since when, last used when. */
export const adminSession = z.strictObject({
  sessionId: uuid,
  deviceId: uuid,
  deviceName: text(200),
  createdAt: epochMs,
  lastSeenAt: epochMs,
});

export const adminRoutes = {
  /** People whose user id or name contains `query` (any case), by user id, a page at a time. */
  adminSearchAccounts: {
    method: 'POST',
    path: '/v1/admin/accounts/search',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({
      query: text(100),
      after: userId.nullable(),
      limit: z.number().int().min(1).max(ADMIN_PAGE_MAX),
    }),
    response: z.strictObject({ accounts: z.array(adminAccount).max(ADMIN_PAGE_MAX), more: z.boolean() }),
  },
  /**
   * A new person, who cannot sign in until they redeem the enrollment code (setting their own
   * password and enrolling an authenticator). IT never chooses or sees a password.
   */
  adminCreateAccount: {
    method: 'POST',
    path: '/v1/admin/accounts/create',
    auth: 'session',
    permission: 'admin.manage',
    // It can mint another IT admin and hands out the code that signs them in.
    fresh: true,
    request: account,
    response: z.strictObject({ enrollment: enrollmentGrant }),
  },
  /** A new code for a person still pending enrollment (the first one expired or was lost); any earlier code stops working. */
  adminIssueEnrollment: {
    method: 'POST',
    path: '/v1/admin/accounts/enrollment',
    auth: 'session',
    permission: 'admin.manage',
    // Whoever holds the code signs in as the person (after a password reset, too).
    fresh: true,
    request: forAccount,
    response: z.strictObject({ enrollment: enrollmentGrant }),
  },
  /** A lost authenticator: their sessions end and the next sign-in enrolls a new one. */
  adminResetMfa: {
    method: 'POST',
    path: '/v1/admin/accounts/reset-mfa',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: forAccount,
    response: z.strictObject({ sessionsEnded: z.number().int().nonnegative() }),
  },
  /**
   * A forgotten password: the old one stops working, sessions end, and a new enrollment code lets
   * the person choose another. Their end-to-end encrypted history cannot be recovered: they get new
   * identity keys, and their vaults on workstations are shredded at each one's next contact.
   */
  adminResetPassword: {
    method: 'POST',
    path: '/v1/admin/accounts/reset-password',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: forAccount,
    response: z.strictObject({ enrollment: enrollmentGrant, sessionsEnded: z.number().int().nonnegative() }),
  },
  /** Keeps the person out and ends every session they have, at once. */
  adminDeactivate: {
    method: 'POST',
    path: '/v1/admin/accounts/deactivate',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: forAccount,
    response: z.strictObject({ sessionsEnded: z.number().int().nonnegative() }),
  },
  adminReactivate: {
    method: 'POST',
    path: '/v1/admin/accounts/reactivate',
    auth: 'session',
    permission: 'admin.manage',
    request: forAccount,
    response: z.strictObject({}),
  },
  /** Lifts a lockout after failed sign-ins; says whether a hard lock was in force. */
  adminUnlock: {
    method: 'POST',
    path: '/v1/admin/accounts/unlock',
    auth: 'session',
    permission: 'admin.manage',
    request: forAccount,
    response: z.strictObject({ wasLocked: z.boolean() }),
  },
  /** Ends every session of the person (a lost badge, a shared password); they may sign in again. */
  adminEndSessions: {
    method: 'POST',
    path: '/v1/admin/accounts/end-sessions',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: forAccount,
    response: z.strictObject({ sessionsEnded: z.number().int().nonnegative() }),
  },
  /** The person's live sessions, newest first. */
  adminListSessions: {
    method: 'POST',
    path: '/v1/admin/accounts/sessions',
    auth: 'session',
    permission: 'admin.manage',
    request: forAccount,
    response: z.strictObject({ sessions: z.array(adminSession).max(100) }),
  },
  /**
   * Makes the person lead of the department on their account, or clears it (`lead: false`).
   * LEAD_NOT_ELIGIBLE for someone with no department or a role that sends no messages; NOT_FOUND
   * for no such person. `changed` is false when it already stood so; only a change is recorded.
   */
  adminSetDepartmentLead: {
    method: 'POST',
    path: '/v1/admin/accounts/department-lead',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({ userId, lead: z.boolean() }),
    response: z.strictObject({ changed: z.boolean() }),
  },
  /** Ends one session of the person (a workstation left signed in); NOT_FOUND unless it is theirs and live. */
  adminEndSession: {
    method: 'POST',
    path: '/v1/admin/accounts/sessions/end',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: z.strictObject({ userId, sessionId: uuid }),
    response: z.strictObject({}),
  },
} as const satisfies Record<string, RouteSpec>;
