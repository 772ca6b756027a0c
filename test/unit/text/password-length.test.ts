/** How long a chosen password is (shared/text/password-length.ts): code points after NFC, as NIST counts. */
import { describe, expect, it } from 'vitest';
import { passwordLongEnough } from '../../../shared/text/password-length';

describe('password length', () => {
  it('counts characters, not UTF-16 units or bytes', () => {
    expect(passwordLongEnough('a'.repeat(11), 12)).toBe(false);
    expect(passwordLongEnough('a'.repeat(12), 12)).toBe(true);
    // Twelve astral characters are 24 UTF-16 units but twelve characters.
    expect(passwordLongEnough('😀'.repeat(11), 12)).toBe(false);
    expect(passwordLongEnough('😀'.repeat(12), 12)).toBe(true);
  });

  it('counts an accented letter once however it was typed', () => {
    const decomposed = 'e\u0301'.repeat(11); // 22 code points before NFC, 11 letters
    expect(passwordLongEnough(decomposed, 12)).toBe(false);
    expect(passwordLongEnough('\u00e9'.repeat(12), 12)).toBe(true);
  });
});
