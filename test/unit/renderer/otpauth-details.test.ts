import { describe, expect, it } from 'vitest';
import { groupSecret, parseOtpauthUri } from '../../../renderer/src/sign-in/otpauth-details';
import { isCompleteCode, normalizeCode } from '../../../renderer/src/sign-in/authentication-code';

describe('parseOtpauthUri', () => {
  it('reads issuer, account, secret and settings', () => {
    const details = parseOtpauthUri(
      'otpauth://totp/Wardline%20General:nurse.adams?secret=jbswy3dpehpk3pxp&issuer=Wardline%20General&algorithm=SHA1&digits=6&period=30',
    );
    expect(details).toEqual({
      issuer: 'Wardline General',
      account: 'nurse.adams',
      secret: 'JBSWY3DPEHPK3PXP',
      digits: 6,
      periodSeconds: 30,
      algorithm: 'SHA1',
    });
  });

  it('falls back to the label issuer and default settings', () => {
    expect(parseOtpauthUri('otpauth://totp/Wardline:dr.okafor?secret=JBSWY3DPEHPK3PXP')).toMatchObject({
      issuer: 'Wardline',
      account: 'dr.okafor',
      digits: 6,
      periodSeconds: 30,
      algorithm: 'SHA1',
    });
  });

  it('refuses what is not a TOTP URI with a base32 secret', () => {
    expect(parseOtpauthUri('not a uri')).toBeNull();
    expect(parseOtpauthUri('https://example.org/?secret=JBSWY3DPEHPK3PXP')).toBeNull();
    expect(parseOtpauthUri('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP')).toBeNull();
    expect(parseOtpauthUri('otpauth://totp/x?secret=not-base32!')).toBeNull();
    expect(parseOtpauthUri('otpauth://totp/x')).toBeNull();
  });
});

describe('groupSecret', () => {
  it('splits the secret into groups of four for reading and typing', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(groupSecret('JBSWY3DPEH')).toBe('JBSW Y3DP EH');
    expect(groupSecret('')).toBe('');
  });
});

describe('authentication code', () => {
  it('accepts codes typed with spaces or dashes, and only six digits', () => {
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(normalizeCode('123-456')).toBe('123456');
    expect(isCompleteCode('123456')).toBe(true);
    expect(isCompleteCode('12345')).toBe(false);
    expect(isCompleteCode('12345a')).toBe(false);
    expect(isCompleteCode('1234567')).toBe(false);
  });
});
