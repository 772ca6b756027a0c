/**
 * TOTP as authenticator apps expect it: SHA-1, six digits, 30-second steps, one step of clock
 * drift either way. Time is an argument so tests and the replay rule work on explicit steps.
 */
import * as OTPAuth from 'otpauth';

const PERIOD_SECONDS = 30;
const DIGITS = 6;
const ALGORITHM = 'SHA1';
const DRIFT_STEPS = 1;
const ISSUER = 'Wardline';

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

/** The enrollment URI (shown as a QR code). The label is the user id: no name, no PHI. */
export function otpauthUri(secretBase32: string, userId: string): string {
  return new OTPAuth.TOTP({
    issuer: ISSUER,
    label: userId,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
  }).toString();
}

export function totpStepAt(now: number): number {
  return OTPAuth.TOTP.counter({ period: PERIOD_SECONDS, timestamp: now });
}

/** The time step `code` belongs to, or null if it matches none within the drift allowance. */
export function matchingTotpStep(secretBase32: string, code: string, now: number): number | null {
  const delta = OTPAuth.TOTP.validate({
    token: code,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
    timestamp: now,
    window: DRIFT_STEPS,
  });
  return delta === null ? null : totpStepAt(now) + delta;
}

/** The code for `now` (the demo and tests sign in with it). */
export function totpCodeAt(secretBase32: string, now: number): string {
  return OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(secretBase32),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
    timestamp: now,
  });
}
