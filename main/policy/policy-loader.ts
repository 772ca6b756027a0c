/**
 * Reads the machine-wide policy once at start: an override file if given (`--policy <file>`,
 * honoured only in an unpackaged build: see launch-sources.ts), else the OS location (the
 * registry on Windows, `/etc/wardline/policy.json` elsewhere). No policy at all means the
 * documented defaults. A policy that exists but cannot be read, or says something invalid, is
 * refused whole: the app shows why and lets nobody sign in, rather than run with settings IT did
 * not choose.
 */
import { readFile } from 'node:fs/promises';
import { POLICY_KEYS, policySchema, type Policy, type PolicySource } from '../../shared/policy/policy-schema';
import { parseArchiveFingerprint } from '../../shared/protocol/archive-key';
import { archiveFingerprintOfBase64 } from '../../shared/node/archive/archive-key-pair';
import { err, ok, type Result } from '../../shared/result';
import { POLICY_REGISTRY_KEY, readRegistryPolicy, type RegistryRead } from './registry-policy';

export const LINUX_POLICY_FILE = '/etc/wardline/policy.json';
/** The issue key for a fault of the whole file (not JSON, not an object), which names no key. */
const WHOLE = '(policy)';

interface LoadedPolicy {
  readonly policy: Policy;
  readonly source: PolicySource;
  /** The file or registry key it was read from; null for the defaults. */
  readonly location: string | null;
  /** The keys the source set; every other key has its default. */
  readonly setKeys: readonly (keyof Policy)[];
}

/** One key refused, and why in the schema's words (which never repeat the value). */
export interface PolicyIssue {
  readonly key: string;
  readonly reason: string;
}

export interface PolicyLoadError {
  readonly code:
    /** The file or registry key exists but could not be read (permissions, I/O). */
    | 'POLICY_UNREADABLE'
    /** Not JSON, or a value out of range, of the wrong type, or a key that does not exist. */
    | 'POLICY_INVALID';
  readonly keys: readonly string[];
  /** Each refused key with its reason, for IT's policy check (the app shows key names only). */
  readonly issues: readonly PolicyIssue[];
  /** The file or registry key that was refused. */
  readonly location: string | null;
}

export type PolicyLoad = Result<LoadedPolicy, PolicyLoadError>;

export interface PolicySources {
  readonly platform: NodeJS.Platform;
  /** `--policy <file>` where launch-sources.ts allows it (never in a packaged build), or null. */
  readonly overrideFile: string | null;
  readonly readText?: (file: string) => Promise<string>;
  readonly readRegistry?: () => Promise<RegistryRead>;
}

/**
 * Key names only (never values) say what is wrong: a policy value could be anything. `refused`
 * are keys the source could not even decode (a registry value of the wrong type): named together
 * with the schema's.
 */
function validate(
  raw: Record<string, unknown>,
  source: PolicySource,
  location: string | null,
  refused: readonly PolicyIssue[] = [],
): PolicyLoad {
  const checked = policySchema.safeParse(raw);
  if (checked.success && refused.length === 0) {
    const archive = archiveKeyIssue(checked.data);
    if (archive !== null) return err(policyRefusal('POLICY_INVALID', location, [archive]));
    const setKeys = POLICY_KEYS.filter((key) => Object.hasOwn(raw, key));
    return ok({ policy: checked.data, source, location, setKeys });
  }
  const issues = [
    ...refused,
    ...(checked.error?.issues ?? []).flatMap((issue): PolicyIssue[] =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ key, reason: 'not a Wardline policy key' }))
        : [{ key: String(issue.path[0] ?? WHOLE), reason: issue.message }],
    ),
  ];
  return err(policyRefusal('POLICY_INVALID', location, issues));
}

/**
 * The archive key's fingerprint must be the one of the key policy gives: IT copies both from
 * keygen's output, and a key with one character wrong would seal every message to a key nobody
 * holds. The schema checks each value's form; only Node can hash the key.
 */
function archiveKeyIssue(policy: Policy): PolicyIssue | null {
  if (policy.archivePublicKey === null || policy.archiveKeyFingerprint === null) return null;
  const stated = parseArchiveFingerprint(policy.archiveKeyFingerprint);
  return stated !== null && stated === archiveFingerprintOfBase64(policy.archivePublicKey)
    ? null
    : { key: 'archiveKeyFingerprint', reason: 'not the fingerprint of archivePublicKey' };
}

export function policyRefusal(
  code: PolicyLoadError['code'],
  location: string | null,
  issues: readonly PolicyIssue[] = [],
): PolicyLoadError {
  const keys = new Set(issues.map((issue) => issue.key).filter((key) => key !== WHOLE));
  return { code, keys: [...keys], issues, location };
}

async function fromFile(
  file: string,
  source: PolicySource,
  readText: (file: string) => Promise<string>,
  missingIsDefault: boolean,
): Promise<PolicyLoad> {
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (missingIsDefault && code === 'ENOENT') return validate({}, 'defaults', null);
    return err(policyRefusal('POLICY_UNREADABLE', file));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return err(policyRefusal('POLICY_INVALID', file, [{ key: WHOLE, reason: 'not JSON' }]));
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return err(policyRefusal('POLICY_INVALID', file, [{ key: WHOLE, reason: 'not a JSON object' }]));
  return validate(raw as Record<string, unknown>, source, file);
}

export async function loadPolicy(sources: PolicySources): Promise<PolicyLoad> {
  const readText = sources.readText ?? ((file: string) => readFile(file, 'utf8'));
  // An override that is missing is an error: whoever named it meant it to be used.
  if (sources.overrideFile !== null) return fromFile(sources.overrideFile, 'override', readText, false);
  if (sources.platform === 'win32') {
    const read = await (sources.readRegistry ?? readRegistryPolicy)();
    const location = POLICY_REGISTRY_KEY;
    if (!read.ok) return err(policyRefusal('POLICY_UNREADABLE', location));
    if (read.value === null) return validate({}, 'defaults', null);
    return validate(read.value.values, 'registry', location, read.value.refused);
  }
  return fromFile(LINUX_POLICY_FILE, 'file', readText, true);
}
