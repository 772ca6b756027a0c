/**
 * How the Administration view words people and actions (renderer/src/admin/admin-labels.ts):
 * state as words (never colour alone), recorded actions by their reason code (a refusal reads as
 * one, an unknown code is shown as it is), and errors that speak of people, not messages.
 */
import { describe, expect, it } from 'vitest';
import { actionText, counted, describeAdminError, statusBadges } from '../../../renderer/src/admin/admin-labels';
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

  it('reads a refusal as one, and a code this build does not know as it is', () => {
    expect(actionText({ reason: 'NOT_FOUND', outcome: 'failure' })).toBe('Refused (NOT_FOUND)');
    expect(actionText({ reason: 'MFA_RESET', outcome: 'success' })).toBe('Administrative action (MFA_RESET)');
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

  it('counts as people read', () => {
    expect(counted(1, 'person', 'people')).toBe('1 person');
    expect(counted(1200, 'person', 'people')).toBe('1,200 people');
  });
});
