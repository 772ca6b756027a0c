/**
 * What a clinician types into the code field, reduced to what `session.verifyMfa` accepts.
 * Authenticators show codes as `123 456`; spaces and dashes are dropped, anything else is kept
 * so the field can say the code is not six digits.
 */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function isCompleteCode(code: string): boolean {
  return /^\d{6}$/.test(code);
}
