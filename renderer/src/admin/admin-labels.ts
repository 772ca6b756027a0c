/**
 * How the Administration view words people and actions: each person's state as badges, each
 * recorded action by its reason code, and the errors an admin meets. Pure, so the wording is
 * tested without a browser; it imports types only, so no schema reaches the page bundle.
 */
import type { AppError } from '../../../shared/errors';
import { describeError, waitText } from '../error-messages';
import type { LogEntry, Person } from './admin-types';

export type BadgeTone = 'good' | 'off' | 'warning';

export interface StatusBadge {
  readonly label: string;
  readonly tone: BadgeTone;
  /** What the badge means, for the person reading it by ear or at a glance. */
  readonly description: string;
}

/**
 * A person's state as badges, in the order an admin checks them. `enrollment` is optional: the
 * server names a pending enrollment once accounts are created from the view (issue 16), and the
 * badge appears as soon as it does.
 */
export function statusBadges(
  person: Pick<Person, 'active' | 'locked'> & { readonly enrollment?: 'pending' | 'enrolled' },
): StatusBadge[] {
  const badges: StatusBadge[] = [
    person.active
      ? { label: 'Active', tone: 'good', description: 'May sign in' }
      : { label: 'Deactivated', tone: 'off', description: 'Cannot sign in until reactivated' },
  ];
  if (person.locked)
    badges.push({ label: 'Locked', tone: 'warning', description: 'Locked out by failed sign-ins until unlocked' });
  if (person.enrollment === 'pending')
    badges.push({ label: 'Pending enrollment', tone: 'warning', description: 'Has not finished setting up sign-in' });
  return badges;
}

/** What each recorded admin action did, by the reason code the server's chain gives it. */
const ACTION_TEXT: Readonly<Record<string, string>> = {
  ACCOUNT_DEACTIVATED: 'Deactivated the account',
  ACCOUNT_REACTIVATED: 'Reactivated the account',
  SESSIONS_REVOKED: 'Ended sessions',
  ACCOUNT_UNLOCKED: 'Unlocked sign-in',
  ACCOUNT_CREATED: 'Created the account',
  ENROLLMENT_CODE_ISSUED: 'Issued an enrollment code',
  ACCOUNT_ENROLLED: 'Finished enrollment',
  MFA_RESET: 'Reset the authenticator',
  PASSWORD_RESET: 'Reset the password',
  DEVICE_REVOKED: 'Revoked the workstation',
  WORKSTATION_WIPE_QUEUED: 'Queued a wipe of the workstation',
  USER_WIPE_QUEUED: 'Queued a wipe of a person’s data',
  ACCOUNT_UPDATED: 'Updated the account from the directory',
  DEPARTMENT_LEAD_SET: 'Made the person lead of their department',
  DEPARTMENT_LEAD_CLEARED: 'Ended the person’s department lead',
  SCIM_TOKEN_ISSUED: 'Issued a directory provisioning token',
  SCIM_TOKEN_REVOKED: 'Revoked a directory provisioning token',
  ROLE_ADDRESS_CREATED: 'Created the role address',
  ROLE_ADDRESS_UPDATED: 'Changed the role address',
  ROLE_ADDRESS_SAVED: 'Saved the role address',
  ROLE_MEMBER_ADDED: 'Added a role address member',
  ROLE_MEMBER_REMOVED: 'Removed a role address member',
  ROLE_SHIFT_ADDED: 'Added an on-call shift',
  ROLE_SHIFT_UPDATED: 'Changed an on-call shift',
  ROLE_SHIFT_DELETED: 'Deleted an on-call shift',
  ROLE_SHIFTS_IMPORTED: 'Imported an on-call schedule',
  ROLE_ESCALATION_SET: 'Set the role address’s escalation times',
  ROLE_ESCALATION_CLEARED: 'Returned the role address to the default escalation',
  ROLE_RETENTION_SET: 'Set how long the role address’s messages are kept',
  ROLE_RETENTION_CLEARED: 'Returned the role address to the default message retention',
  TEMPLATE_CREATED: 'Created a message template',
  TEMPLATE_UPDATED: 'Changed a message template',
  TEMPLATE_RETIRED: 'Retired a message template',
  TEMPLATE_RESTORED: 'Brought back a message template',
  LEGAL_HOLD_PLACED: 'Placed a legal hold',
  LEGAL_HOLD_RELEASED: 'Released a legal hold',
  MESSAGE_HOLD_PLACED: 'Placed a legal hold on messages',
  MESSAGE_HOLD_RELEASED: 'Released a legal hold on messages',
  MATTER_EXPORTED: 'Exported a matter for eDiscovery',
  AUDIT_PURGED: 'Purged expired audit records',
  MESSAGE_RETENTION_RUN: 'Deleted messages past the retention period',
  MESSAGE_RETENTION_BUSY: 'Retention run refused: another was running',
  MESSAGE_RETENTION_FAILED: 'Retention run stopped by a database error',
  MESSAGE_RETENTION_LEASE_LOST: 'Retention run stopped: it lost the job to another',
  SIEM_FORWARDING_ENABLED: 'Turned on SIEM forwarding',
  SIEM_FORWARDING_DISABLED: 'Turned off SIEM forwarding',
  SIEM_DESTINATION_CHANGED: 'Changed the SIEM destination',
};

/**
 * An action as the log lists it. A refused action carries its refusal's code instead of what it
 * tried, so it reads as that; a code this build does not know yet is shown as it is.
 */
export function actionText(entry: Pick<LogEntry, 'reason' | 'outcome'>): string {
  const code = entry.reason;
  if (entry.outcome === 'failure') return code === null ? 'Refused action' : `Refused (${code})`;
  if (code === null) return 'Administrative action';
  return ACTION_TEXT[code] ?? `Administrative action (${code})`;
}

/** What an action was about, so a refusal names the right kind of thing. */
export type AdminSubject = 'person' | 'role-address' | 'member' | 'workstation' | 'shift' | 'template';

const NOT_FOUND_TEXT: Record<AdminSubject, string> = {
  person: 'That person or session no longer exists. Search again.',
  'role-address': 'That role address no longer exists. Search again.',
  member: 'That person is not in the directory. Search again.',
  workstation: 'That workstation is not registered. Refresh the list.',
  shift: 'That shift or role address no longer exists. Refresh the schedule.',
  template: 'That template no longer exists. Refresh the list.',
};

const CONFLICT_TEXT: Record<AdminSubject, string> = {
  person: 'That conflicts with a change already made. Search again and retry.',
  'role-address': 'A role address with that ID already exists. IDs are never reused: choose another.',
  member: 'This role address already has the most members it may have (100). Remove someone first.',
  workstation: 'That conflicts with a change already made. Refresh the list and retry.',
  shift: 'That conflicts with a change already made. Refresh the schedule and retry.',
  template:
    'Someone else changed this template while you were editing it. Refresh the list to see their version, then make your change again.',
};

/**
 * An error as the Administration view says it: the app's wording, except where it would speak of
 * messages or of a user ID the admin did not type, or where what it was about changes the words.
 */
export function describeAdminError(error: AppError, subject: AdminSubject = 'person'): string {
  switch (error.code) {
    case 'NOT_FOUND':
      return NOT_FOUND_TEXT[subject];
    case 'CONFLICT':
      return CONFLICT_TEXT[subject];
    case 'RECIPIENT_UNAVAILABLE':
      return subject === 'shift'
        ? 'Only members of this role address can be on call or backup. Add them as a member first.'
        : NOT_FOUND_TEXT.member;
    case 'RECIPIENT_NOT_PERMITTED':
      return 'IT administrators and compliance officers do not receive messages, so they cannot be members of a role address.';
    case 'NOT_PERMITTED':
      return 'Not allowed: you cannot reset, deactivate or sign out your own account, or revoke the workstation you are using. Another administrator can.';
    case 'INVALID_CREDENTIALS':
      return error.retryAfterSeconds === undefined
        ? 'That password is not correct. Check it and try again.'
        : `That password is not correct. After several failed attempts you must wait: try again in ${waitText(error.retryAfterSeconds)}.`;
    default:
      return describeError(error);
  }
}

/**
 * Where a person stands with enrollment, as their panel says it: pending with the code's expiry
 * (or that it expired), or enrolled, and whether an authenticator is set up. Time is passed in.
 */
export function enrollmentText(
  person: Pick<Person, 'enrollment' | 'enrollmentExpiresAt' | 'mfaEnrolled'>,
  now: number,
  time: (at: number) => string,
): string {
  if (person.enrollment === 'pending') {
    if (person.enrollmentExpiresAt === null) return 'Pending enrollment — no code outstanding';
    return person.enrollmentExpiresAt > now
      ? `Pending enrollment — code expires ${time(person.enrollmentExpiresAt)}`
      : `Pending enrollment — code expired ${time(person.enrollmentExpiresAt)}`;
  }
  return person.mfaEnrolled
    ? 'Password and authenticator set up'
    : 'Password set; sets up an authenticator at next sign-in';
}

/** "1 person", "3 sessions": a count as the view says it. */
export function counted(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}
