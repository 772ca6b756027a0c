/** Enrollment codes as people read, type and mistype them (shared/protocol/enrollment.ts). */
import { describe, expect, it } from 'vitest';
import {
  displayEnrollmentCode,
  enrollmentCode,
  enrollmentCodeFrom,
  normalizeEnrollmentCode,
} from '../../../shared/protocol/enrollment';

describe('enrollment codes', () => {
  it('are 20 Crockford base32 characters drawn from 100 random bits', () => {
    const zeros = enrollmentCodeFrom(new Uint8Array(13));
    const ones = enrollmentCodeFrom(new Uint8Array(13).fill(0xff));
    expect(zeros).toBe('0'.repeat(20));
    expect(ones).toBe('Z'.repeat(20));
    const code = enrollmentCodeFrom(Uint8Array.from({ length: 13 }, (_, i) => i * 37));
    expect(enrollmentCode.safeParse(code).success).toBe(true);
    // Every bit counts: one flipped byte changes the code.
    const flipped = Uint8Array.from({ length: 13 }, (_, i) => (i === 12 ? 1 : i * 37));
    expect(enrollmentCodeFrom(flipped)).not.toBe(code);
    expect(() => enrollmentCodeFrom(new Uint8Array(12))).toThrow(RangeError);
  });

  it('are shown in groups of four and read back however they were typed', () => {
    const code = 'K7QM3XPD0A1B2C3D4E5F';
    expect(displayEnrollmentCode(code)).toBe('K7QM-3XPD-0A1B-2C3D-4E5F');
    expect(normalizeEnrollmentCode(' k7qm-3xpd 0a1b-2c3d-4e5f ')).toBe(code);
    // Letters people take for digits are those digits.
    expect(normalizeEnrollmentCode('K7QM3XPDOAIB2C3D4E5F')).toBe(code);
    expect(normalizeEnrollmentCode('K7QM3XPD0AlB2C3D4E5F')).toBe(code);
  });

  it('refuse anything that cannot be a code', () => {
    for (const typed of ['', 'K7QM-3XPD', 'K7QM3XPD0A1B2C3D4E5FX', 'K7QM3XPD0A1B2C3D4E5U', 'K7QM3XPD0A1B2C3D4E5!'])
      expect(normalizeEnrollmentCode(typed), typed).toBeNull();
  });
});
