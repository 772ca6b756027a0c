/**
 * Registry values as the native reader returns them (a type and raw bytes) to policy values: the
 * pure decoding layer, tested on Linux with recorded values of every type. Group Policy writes
 * what the ADMX templates say (launch/policy-admx-templates.ts): numbers and booleans as
 * REG_DWORD, text and choices as REG_SZ, paths as REG_EXPAND_SZ. REG_MULTI_SZ is read too (a
 * one-line list counts as that line, for a key that holds text). Every value that cannot be a
 * policy value is named, not skipped, and so is a name the schema does not know: the loader
 * refuses the whole policy with all of them listed.
 */
import { POLICY_KEYS, type Policy } from '../../shared/policy/policy-schema';
import { policyValueShape } from '../../shared/policy/policy-value-shape';

/** winnt.h value types. */
export const REG_TYPE = {
  SZ: 1,
  EXPAND_SZ: 2,
  BINARY: 3,
  DWORD: 4,
  DWORD_BIG_ENDIAN: 5,
  LINK: 6,
  MULTI_SZ: 7,
  QWORD: 11,
} as const;

export interface RawRegistryValue {
  /** The value name; "" is the key's (Default) value. */
  readonly name: string;
  readonly type: number;
  readonly data: Uint8Array;
}

export interface DecodedRegistryPolicy {
  /** Values by schema key name (a name the schema does not know is kept as written, to be refused by name). */
  readonly values: Record<string, unknown>;
  /** Values whose type or bytes cannot be a policy value, and why (never the value itself). */
  readonly refused: readonly { readonly key: string; readonly reason: string }[];
}

/** Registry value names are case-insensitive on Windows: `IdleLockSeconds` is the same value. */
const CANONICAL: ReadonlyMap<string, keyof Policy> = new Map(POLICY_KEYS.map((key) => [key.toLowerCase(), key]));

const utf16 = new TextDecoder('utf-16le', { fatal: true });

/** UTF-16LE text without its terminating NULs, or null when the bytes are not text. */
function text(data: Uint8Array): string | null {
  if (data.length % 2 !== 0) return null;
  try {
    return utf16.decode(data).replace(/\0+$/, '');
  } catch {
    return null;
  }
}

/**
 * `%NAME%` from the environment, as ExpandEnvironmentStrings does (names case-insensitive), except
 * that a variable that is not set refuses the value: left unexpanded it would become a path that
 * silently does not exist. `%%` stays as written.
 */
export function expandEnvironment(value: string, env: Readonly<Record<string, string | undefined>>): string | null {
  const lookup = new Map(Object.entries(env).map(([name, setting]) => [name.toLowerCase(), setting]));
  const missing: string[] = [];
  const expanded = value.replace(/%([^%\r\n]+)%/g, (whole, name: string) => {
    const setting = lookup.get(name.toLowerCase());
    if (setting === undefined) missing.push(name);
    return setting ?? whole;
  });
  return missing.length > 0 ? null : expanded;
}

const TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(REG_TYPE).map(([name, type]) => [type, `REG_${name}`]),
);
const EXPECTED = {
  boolean: 'REG_DWORD 0 or 1',
  number: 'REG_DWORD',
  text: 'REG_SZ or REG_EXPAND_SZ',
  choice: 'REG_SZ',
} as const;

type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

function decodeOne(
  key: keyof Policy,
  value: RawRegistryValue,
  env: Readonly<Record<string, string | undefined>>,
): Decoded {
  const { kind } = policyValueShape(key);
  const notText: Decoded = { ok: false, reason: 'not UTF-16 text' };
  switch (value.type) {
    case REG_TYPE.DWORD: {
      if (value.data.length !== 4) return { ok: false, reason: `a REG_DWORD of ${String(value.data.length)} bytes` };
      const number = new DataView(value.data.buffer, value.data.byteOffset, 4).getUint32(0, true);
      if (kind !== 'boolean') return { ok: true, value: number };
      return number === 0 || number === 1
        ? { ok: true, value: number === 1 }
        : { ok: false, reason: `an on/off setting is ${EXPECTED.boolean}` };
    }
    case REG_TYPE.SZ: {
      const decoded = text(value.data);
      return decoded === null ? notText : { ok: true, value: decoded };
    }
    case REG_TYPE.EXPAND_SZ: {
      const decoded = text(value.data);
      if (decoded === null) return notText;
      const expanded = expandEnvironment(decoded, env);
      return expanded === null
        ? { ok: false, reason: 'names an environment variable that is not set' }
        : { ok: true, value: expanded };
    }
    case REG_TYPE.MULTI_SZ: {
      const decoded = text(value.data);
      if (decoded === null) return notText;
      const lines = decoded === '' ? [] : decoded.split('\0');
      // A text key takes a list of one line as that line; anything else goes to the schema as a
      // list, which refuses it by name (no policy key is a list today).
      return { ok: true, value: (kind === 'text' || kind === 'choice') && lines.length === 1 ? lines[0] : lines };
    }
    default:
      // REG_BINARY, REG_QWORD, REG_DWORD_BIG_ENDIAN, REG_LINK...: the templates never write them.
      return {
        ok: false,
        reason: `a ${TYPE_NAMES[value.type] ?? `type ${String(value.type)}`} value; Group Policy writes ${EXPECTED[kind]}`,
      };
  }
}

export function decodeRegistryPolicy(
  raw: readonly RawRegistryValue[],
  env: Readonly<Record<string, string | undefined>>,
): DecodedRegistryPolicy {
  const values: Record<string, unknown> = {};
  const refused: { key: string; reason: string }[] = [];
  for (const value of raw) {
    const key = CANONICAL.get(value.name.toLowerCase());
    // Unknown names go to the schema as they are, which refuses them by name like a typo in JSON.
    if (key === undefined) {
      values[value.name === '' ? '(Default)' : value.name] = null;
      continue;
    }
    const decoded = decodeOne(key, value, env);
    if (decoded.ok) values[key] = decoded.value;
    else refused.push({ key, reason: decoded.reason });
  }
  return { values, refused };
}
