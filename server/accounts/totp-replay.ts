/**
 * A TOTP code is single-use: once a code for time step N has signed an account in, no code for
 * step N or earlier is accepted again for that account (RFC 6238 §5.2). Pure; the last step is
 * stored with the account and advanced atomically (account-store.ts).
 */
export function totpStepAccepted(lastUsedStep: number | null, step: number): boolean {
  return lastUsedStep === null || step > lastUsedStep;
}
