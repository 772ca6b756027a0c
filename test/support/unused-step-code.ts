/**
 * TOTP codes for tests that must not move the server's clock: when browser hosts sign their
 * device proofs with the real time, a server clock moved on (as `freshTotpCode` does) soon
 * refuses them. The code is for the current time step, or the next one (the server allows one
 * step of drift either way), whichever the person has not used yet; if both are spent, it waits
 * for real time to catch up.
 */
import * as OTPAuth from 'otpauth';
import { expect } from 'vitest';
import type { TestClock } from './server-fixtures';

const TOTP_STEP_MS = 30_000;

/** Whoever types the code: their authenticator key and the step of their last code. */
export interface CodeHolder {
  totpSecret: string | null;
  lastStep: number;
}

export async function unusedStepCode(clock: TestClock, holder: CodeHolder): Promise<string> {
  if (holder.totpSecret === null) throw new Error('no authenticator key');
  const stepNow = () => Math.floor(clock.now() / TOTP_STEP_MS);
  const step = Math.max(holder.lastStep + 1, stepNow());
  await expect.poll(() => stepNow() + 1 >= step, { timeout: 2 * TOTP_STEP_MS, interval: 500 }).toBe(true);
  holder.lastStep = step;
  return OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(holder.totpSecret),
    timestamp: step * TOTP_STEP_MS,
  });
}
