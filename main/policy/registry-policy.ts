/**
 * Policy as Group Policy writes it on Windows: values under `HKLM\Software\Policies\Wardline`,
 * read through the registry API (native-reg: N-API prebuilds, nothing compiled here) rather than
 * by parsing `reg query` text, which cut multi-line text, skipped names with spaces and could not
 * read REG_MULTI_SZ. Always the 64-bit view, where Group Policy writes. Decoding is pure and
 * tested on Linux (registry-values.ts); only `readRegistryPolicy` touches the machine.
 *
 * Read once at start, as every other policy source: a change Group Policy makes takes effect at
 * Wardline's next start (documented in the README).
 */
import { err, ok, type Result } from '../../shared/result';
import { decodeRegistryPolicy, type DecodedRegistryPolicy, type RawRegistryValue } from './registry-values';

export const POLICY_REGISTRY_KEY = 'HKLM\\Software\\Policies\\Wardline';
const SUBKEY = POLICY_REGISTRY_KEY.replace(/^HKLM\\/, '');

/** The decoded values (null when the key does not exist: no policy set), or unreadable. */
export type RegistryRead = Result<DecodedRegistryPolicy | null, 'REGISTRY_UNREADABLE'>;

/** The raw values under the policy key, null when it does not exist. Windows only. */
async function readRawValues(): Promise<RawRegistryValue[] | null> {
  const registry = await import('native-reg');
  const key = registry.openKey(registry.HKLM, SUBKEY, registry.Access.QUERY_VALUE | registry.Access.WOW64_64KEY);
  if (key === null) return null;
  try {
    return registry.enumValueNames(key).flatMap((name) => {
      const value = registry.queryValueRaw(key, name);
      // Deleted between listing and reading: as if never there.
      return value === null ? [] : [{ name, type: value.type, data: value }];
    });
  } finally {
    registry.closeKey(key);
  }
}

export async function readRegistryPolicy(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<RegistryRead> {
  let raw: RawRegistryValue[] | null;
  try {
    raw = await readRawValues();
  } catch {
    // Access denied, or the native module missing from a broken install: refuse, never default.
    return err('REGISTRY_UNREADABLE');
  }
  return ok(raw === null ? null : decodeRegistryPolicy(raw, env));
}
