/**
 * The `wardline-version` request header: which Wardline release a workstation runs, so IT sees
 * it beside the workstation (shared/protocol/admin-directory-api.ts). Optional and advisory: the
 * server stores it on the device's row when the device's key proves the request, ignores a value
 * that is not a version, and never decides anything by it.
 */
import { z } from 'zod';

export const CLIENT_VERSION_HEADER = 'wardline-version';

/** `0.1.0`, `1.4.2-rc.1+build.7`: letters, digits, dots, dashes and plus signs, short. */
export const clientVersion = z
  .string()
  .max(40)
  .regex(/^[0-9A-Za-z][0-9A-Za-z.+-]*$/);

/** The header's value as a version, or null when absent, repeated or not a version. */
export function clientVersionOf(header: string | readonly string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const parsed = clientVersion.safeParse(header);
  return parsed.success ? parsed.data : null;
}
