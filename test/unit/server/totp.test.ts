import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { matchingTotpStep, newTotpSecret, otpauthUri, totpCodeAt, totpStepAt } from '../../../server/accounts/totp';
import { totpStepAccepted } from '../../../server/accounts/totp-replay';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const T0 = 1_700_000_010_000;
const STEP = 30_000;

describe('TOTP', () => {
  it('matches the current code to the current step, with one step of drift either way and no more', () => {
    const step = totpStepAt(T0);
    expect(matchingTotpStep(SECRET, totpCodeAt(SECRET, T0), T0)).toBe(step);
    expect(matchingTotpStep(SECRET, totpCodeAt(SECRET, T0 - STEP), T0)).toBe(step - 1);
    expect(matchingTotpStep(SECRET, totpCodeAt(SECRET, T0 + STEP), T0)).toBe(step + 1);
    expect(matchingTotpStep(SECRET, totpCodeAt(SECRET, T0 - 2 * STEP), T0)).toBeNull();
    expect(matchingTotpStep(SECRET, totpCodeAt(SECRET, T0 + 2 * STEP), T0)).toBeNull();
  });

  it('gives the codes any authenticator app gives (RFC 6238, SHA-1, 6 digits, 30 s)', () => {
    expect(totpCodeAt(SECRET, T0)).toBe(
      OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(SECRET), timestamp: T0 }),
    );
  });

  it('accepts a step only if it is later than the last one used', () => {
    expect(totpStepAccepted(null, 10)).toBe(true);
    expect(totpStepAccepted(9, 10)).toBe(true);
    expect(totpStepAccepted(10, 10)).toBe(false);
    expect(totpStepAccepted(11, 10)).toBe(false);
  });

  it('enrolls with a fresh 160-bit secret in an otpauth URI labelled with the user id only', () => {
    const secret = newTotpSecret();
    expect(OTPAuth.Secret.fromBase32(secret).bytes).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = otpauthUri(secret, 'nurse.adams');
    expect(uri.startsWith('otpauth://totp/Wardline:nurse.adams?')).toBe(true);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);
    expect(new URL(uri).searchParams.get('issuer')).toBe('Wardline');
  });
});
