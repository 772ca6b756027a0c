/**
 * How the Administration view words people and actions (renderer/src/admin/admin-labels.ts):
 * state as words (never colour alone), recorded actions by their reason code (a refusal reads as
 * one, an unknown code is shown as it is), and errors that speak of people, not messages.
 */
import { describe, expect, it } from 'vitest';
import {
  actionText,
  counted,
  describeAdminError,
  enrollmentText,
  statusBadges,
} from '../../../renderer/src/admin/admin-labels';
import { relativeTime, spokenTime } from '../../../renderer/src/admin/admin-time';
import { appError, appErrorWithWait } from '../../../shared/errors';

describe("a person's state", () => {
  it('says active or deactivated first, then locked and a pending enrollment', () => {
    expect(statusBadges({ active: true, locked: false }).map((b) => b.label)).toEqual(['Active']);
    expect(statusBadges({ active: false, locked: true }).map((b) => [b.label, b.tone])).toEqual([
      ['Deactivated', 'off'],
      ['Locked', 'warning'],
    ]);
    expect(statusBadges({ active: true, locked: false, enrollment: 'pending' }).map((b) => b.label)).toEqual([
      'Active',
      'Pending enrollment',
    ]);
    expect(statusBadges({ active: true, locked: false, enrollment: 'enrolled' })).toHaveLength(1);
    for (const badge of statusBadges({ active: false, locked: true, enrollment: 'pending' }))
      expect(badge.description.length).toBeGreaterThan(0);
  });
});

describe('a recorded action', () => {
  it('reads by what was done', () => {
    expect(actionText({ reason: 'ACCOUNT_DEACTIVATED', outcome: 'success' })).toBe('Deactivated the account');
    expect(actionText({ reason: 'ACCOUNT_UNLOCKED', outcome: 'success' })).toBe('Unlocked sign-in');
    expect(actionText({ reason: 'SESSIONS_REVOKED', outcome: 'success' })).toBe('Ended sessions');
  });

  it('reads the enrollment, reset, role address and workstation codes the server records', () => {
    const read = (reason: string) => actionText({ reason, outcome: 'success' });
    expect(read('ENROLLMENT_CODE_ISSUED')).toBe('Issued an enrollment code');
    expect(read('ACCOUNT_ENROLLED')).toBe('Finished enrollment');
    expect(read('MFA_RESET')).toBe('Reset the authenticator');
    expect(read('PASSWORD_RESET')).toBe('Reset the password');
    expect(read('DEVICE_REVOKED')).toBe('Revoked the workstation');
    expect(read('ROLE_ADDRESS_CREATED')).toBe('Created the role address');
    expect(read('ROLE_ADDRESS_UPDATED')).toBe('Changed the role address');
  });

  it('reads a refusal as one, and a code this build does not know as it is', () => {
    expect(actionText({ reason: 'NOT_FOUND', outcome: 'failure' })).toBe('Refused (NOT_FOUND)');
    expect(actionText({ reason: 'WIPE_ORDERED', outcome: 'success' })).toBe('Administrative action (WIPE_ORDERED)');
    expect(actionText({ reason: null, outcome: 'success' })).toBe('Administrative action');
  });
});

describe('what an admin is told', () => {
  it('speaks of people and sessions, and of the password alone when it is wrong', () => {
    expect(describeAdminError(appError('NOT_FOUND'))).toMatch(/person or session/);
    expect(describeAdminError(appError('INVALID_CREDENTIALS'))).toBe(
      'That password is not correct. Check it and try again.',
    );
    expect(describeAdminError(appErrorWithWait('INVALID_CREDENTIALS', 90))).toContain('try again in 2 minutes');
    expect(describeAdminError(appError('REAUTHENTICATION_REQUIRED'))).toMatch(/password and authentication code/);
  });

  it('names what a refusal was about: a taken id, a full role address, a missing thing, a self-action', () => {
    expect(describeAdminError(appError('CONFLICT'), 'role-address')).toMatch(/already exists/);
    expect(describeAdminError(appError('CONFLICT'), 'member')).toMatch(/most members/);
    expect(describeAdminError(appError('NOT_FOUND'), 'workstation')).toMatch(/workstation/);
    expect(describeAdminError(appError('NOT_FOUND'), 'role-address')).toMatch(/role address/);
    expect(describeAdminError(appError('RECIPIENT_UNAVAILABLE'), 'member')).toMatch(/not in the directory/);
    expect(describeAdminError(appError('RECIPIENT_NOT_PERMITTED'), 'member')).toMatch(/cannot be members/);
    expect(describeAdminError(appError('NOT_PERMITTED'))).toMatch(/your own account/);
    expect(describeAdminError(appError('ACCOUNT_EXISTS'))).toMatch(/already taken/);
  });

  it('counts as people read', () => {
    expect(counted(1, 'person', 'people')).toBe('1 person');
    expect(counted(1200, 'person', 'people')).toBe('1,200 people');
  });
});

describe('enrollment and times', () => {
  const at = Date.UTC(2025, 2, 6, 14, 5);
  const time = (when: number) => spokenTime(when, 'UTC');

  it('says a pending code expires or expired, with when', () => {
    const pending = { enrollment: 'pending', mfaEnrolled: false } as const;
    expect(enrollmentText({ ...pending, enrollmentExpiresAt: at }, at - 1, time)).toBe(
      'Pending enrollment — code expires Thursday 6 March 2025 at 14:05',
    );
    expect(enrollmentText({ ...pending, enrollmentExpiresAt: at }, at, time)).toBe(
      'Pending enrollment — code expired Thursday 6 March 2025 at 14:05',
    );
    expect(enrollmentText({ ...pending, enrollmentExpiresAt: null }, at, time)).toBe(
      'Pending enrollment — no code outstanding',
    );
    expect(enrollmentText({ enrollment: 'enrolled', enrollmentExpiresAt: null, mfaEnrolled: false }, at, time)).toMatch(
      /authenticator at next sign-in/,
    );
  });

  it('says how long ago, in whole units, and a time ahead as just now', () => {
    const minute = 60_000;
    expect(relativeTime(at, at + 59_000)).toBe('just now');
    expect(relativeTime(at, at - 5 * minute)).toBe('just now');
    expect(relativeTime(at, at + minute)).toBe('1 minute ago');
    expect(relativeTime(at, at + 59 * minute)).toBe('59 minutes ago');
    expect(relativeTime(at, at + 3 * 60 * minute + 1)).toBe('3 hours ago');
    expect(relativeTime(at, at + 49 * 60 * minute)).toBe('2 days ago');
  });
});
