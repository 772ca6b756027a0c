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
  ROLE_ADDRESS_SAVED: 'Saved the role address',
  ROLE_MEMBER_ADDED: 'Added a role address member',
  ROLE_MEMBER_REMOVED: 'Removed a role address member',
  LEGAL_HOLD_PLACED: 'Placed a legal hold',
  LEGAL_HOLD_RELEASED: 'Released a legal hold',
  AUDIT_PURGED: 'Purged expired audit records',
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

/**
 * An error as the Administration view says it: the app's wording, except where it would speak of
 * messages or of a user ID the admin did not type.
 */
export function describeAdminError(error: AppError): string {
  switch (error.code) {
    case 'NOT_FOUND':
      return 'That person or session no longer exists. Search again.';
    case 'INVALID_CREDENTIALS':
      return error.retryAfterSeconds === undefined
        ? 'That password is not correct. Check it and try again.'
        : `That password is not correct. After several failed attempts you must wait: try again in ${waitText(error.retryAfterSeconds)}.`;
    default:
      return describeError(error);
  }
}

/** "1 person", "3 sessions": a count as the view says it. */
export function counted(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}
