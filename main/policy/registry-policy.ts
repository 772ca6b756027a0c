/**
 * Policy as Group Policy writes it on Windows: values under `HKLM\Software\Policies\Wardline`,
 * read with `reg query` (no native addon). Value names are the JSON key names; booleans are
 * REG_DWORD 0 or 1, numbers REG_DWORD, text REG_SZ. Parsing is pure and tested on sample output;
 * only `readRegistryPolicy` touches the machine.
 */
import { execFile } from 'node:child_process';
import { policySchema, POLICY_KEYS } from '../../shared/policy/policy-schema';
import { err, ok, type Result } from '../../shared/result';

export const POLICY_REGISTRY_KEY = 'HKLM\\Software\\Policies\\Wardline';

const DEFAULTS = policySchema.parse({});
/** Keys whose value is a boolean (a DWORD of 0 or 1 in the registry). */
const BOOLEAN_KEYS: ReadonlySet<string> = new Set(POLICY_KEYS.filter((key) => typeof DEFAULTS[key] === 'boolean'));

/**
 * The values (null when no policy is set), or the first value name that cannot be a policy
 * value (`key` null: the registry key exists but could not be read).
 */
export type RegistryRead = Result<Record<string, unknown> | null, { readonly key: string | null }>;

/**
 * `reg query <key>` output to a plain object, or the first value that cannot be a policy value.
 * Unknown value names are kept, so the schema refuses them by name like a typo in the JSON file.
 */
export function parseRegQuery(output: string): RegistryRead {
  const values: Record<string, unknown> = {};
  for (const line of output.split(/\r?\n/)) {
    const match =
      /^\s{2,}(\S+)\s{2,}(REG_[A-Z_]+)\s{2,}(.*?)\s*$/.exec(line) ?? /^\s{2,}(\S+)\s{2,}(REG_[A-Z_]+)\s*$/.exec(line);
    if (!match) continue;
    const [, name = '', type, data = ''] = match;
    switch (type) {
      case 'REG_DWORD': {
        const number = Number.parseInt(data, 16);
        if (!/^0x[0-9a-f]+$/i.test(data) || !Number.isSafeInteger(number)) return err({ key: name });
        if (BOOLEAN_KEYS.has(name)) {
          if (number !== 0 && number !== 1) return err({ key: name });
          values[name] = number === 1;
        } else values[name] = number;
        break;
      }
      case 'REG_SZ':
      case 'REG_EXPAND_SZ':
        values[name] = data;
        break;
      default:
        // REG_BINARY, REG_MULTI_SZ, REG_QWORD...: never a Wardline policy type.
        return err({ key: name });
    }
  }
  return ok(values);
}

/** Null values when the key does not exist (no policy set: defaults apply). */
export function readRegistryPolicy(): Promise<RegistryRead> {
  return new Promise((resolve) => {
    execFile('reg', ['query', POLICY_REGISTRY_KEY], { windowsHide: true, timeout: 10_000 }, (error, stdout) => {
      if (error) {
        // Exit code 1 with nothing on stdout: the key is absent. Anything else: unreadable.
        const absent = typeof error.code === 'number' && error.code === 1 && stdout.trim() === '';
        resolve(absent ? ok(null) : err({ key: null }));
        return;
      }
      resolve(parseRegQuery(stdout));
    });
  });
}
