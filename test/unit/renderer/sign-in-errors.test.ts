import { describe, expect, it } from 'vitest';
import { describeError, waitText } from '../../../renderer/src/error-messages';
import { appError, appErrorWithWait, MAX_RETRY_AFTER_SECONDS } from '../../../shared/errors';
import { appErrorSchema } from '../../../shared/ipc/result';
import { appCodeOf, isTransient } from '../../../main/server-link/api-error-code';

describe('what the sign-in screen says about the throttle', () => {
  it('tells a throttled clinician when to try again, and a locked one to call IT', () => {
    expect(describeError(appErrorWithWait('THROTTLED', 45))).toBe(
      'Too many failed sign-in attempts. Try again in 45 seconds.',
    );
    expect(describeError(appErrorWithWait('INVALID_CREDENTIALS', 30))).toContain('try again in 30 seconds');
    expect(describeError(appErrorWithWait('MFA_INVALID', 120))).toContain('try again in 2 minutes');
    const locked = describeError(appError('ACCOUNT_LOCKED'));
    expect(locked).toContain('IT service desk');
    expect(locked).not.toMatch(/try again/i);
    // A lock carries no wait, even if one were sent: only IT lifts it.
    expect(describeError(appErrorWithWait('ACCOUNT_LOCKED', 30))).toBe(locked);
  });

  it('says an enrollment lost to another sign-in, and to call IT if that was not the clinician', () => {
    expect(describeError(appError('MFA_ALREADY_ENROLLED'))).toMatch(/already set up.*call the IT service desk/);
  });

  it('says in plain words that IT removed this workstation, from the server’s code', () => {
    expect(appCodeOf('DEVICE_REVOKED')).toBe('DEVICE_REVOKED');
    expect(isTransient('DEVICE_REVOKED')).toBe(false);
    expect(describeError(appError(appCodeOf('DEVICE_REVOKED')))).toBe('This workstation was removed by IT.');
  });

  it('rounds waits up to what a person reads', () => {
    expect([1, 59, 60, 61, 900].map(waitText)).toEqual([
      '1 second',
      '59 seconds',
      '1 minute',
      '2 minutes',
      '15 minutes',
    ]);
  });

  it('carries only a sane wait across the bridge', () => {
    expect(appErrorWithWait('THROTTLED', undefined)).toEqual(appError('THROTTLED'));
    for (const odd of [0, -5, 1.5, MAX_RETRY_AFTER_SECONDS + 1])
      expect(appErrorWithWait('THROTTLED', odd)).toEqual(appError('THROTTLED'));
    expect(appErrorSchema.safeParse(appErrorWithWait('THROTTLED', 900)).success).toBe(true);
    expect(
      appErrorSchema.safeParse({ ...appError('THROTTLED'), retryAfterSeconds: MAX_RETRY_AFTER_SECONDS + 1 }).success,
    ).toBe(false);
  });
});
