/**
 * The one rule for how long a chosen password must be, as main enforces it and the enrollment
 * form explains it. Counted as NIST SP 800-63B counts: Unicode code points after the NFC
 * normalization the key derivation applies, so an accented name counts once per letter however
 * it was typed.
 */
export function passwordLongEnough(password: string, minLength: number): boolean {
  return Array.from(password.normalize('NFC')).length >= minLength;
}
