/**
 * IT's policy commands, as Chrome's chrome://policy and Firefox's about:policies answer them:
 * `wardline --check-policy <file>` validates a policy file (exit 0, or 1 with each bad key named
 * and why) and `wardline --print-effective-policy` prints the policy this workstation would run
 * with as JSON, each key with where it came from. Both add the HIPAA self-test
 * (shared/policy/policy-safeguards.ts). Also `npm run policy:check`. Read-only: nothing here
 * opens a vault, the store or the network, so both are safe to run beside a running Wardline.
 */
import { POLICY_KEYS, type Policy } from '../../shared/policy/policy-schema';
import { policySelfTest, type SafeguardResult } from '../../shared/policy/policy-safeguards';
import { loadEffectivePolicy } from './effective-policy';
import { commandLineSources, decideLaunchSources } from './launch-sources';
import { policyEndpoint } from './policy-endpoint';
import { loadPolicy, type PolicyLoadError, type PolicySources } from './policy-loader';

export type PolicyCommand =
  | { readonly kind: 'check'; readonly file: string }
  | { readonly kind: 'print-effective' }
  | { readonly kind: 'usage'; readonly problem: string };

export const CHECK_FLAG = '--check-policy';
export const PRINT_FLAG = '--print-effective-policy';

/** Exit codes: 0 valid, 1 refused, 2 the command itself was wrong. */
const EXIT = { valid: 0, refused: 1, usage: 2 } as const;

/** The command in argv (`--check-policy <file>` or `--check-policy=<file>`), or null for a normal start. */
export function policyCommandOf(argv: readonly string[]): PolicyCommand | null {
  const check = argv.findIndex((arg) => arg === CHECK_FLAG || arg.startsWith(`${CHECK_FLAG}=`));
  const print = argv.includes(PRINT_FLAG);
  if (check === -1) return print ? { kind: 'print-effective' } : null;
  if (print) return { kind: 'usage', problem: `${CHECK_FLAG} and ${PRINT_FLAG} go alone` };
  const arg = argv[check] ?? '';
  const file = arg === CHECK_FLAG ? argv[check + 1] : arg.slice(CHECK_FLAG.length + 1);
  if (file === undefined || file === '' || file.startsWith('--'))
    return { kind: 'usage', problem: `${CHECK_FLAG} needs the policy file to check` };
  return { kind: 'check', file };
}

export interface PolicyCommandDeps {
  readonly platform: NodeJS.Platform;
  /** A packaged build ignores `--policy` for the effective policy, as at start. */
  readonly packaged: boolean;
  readonly argv: readonly string[];
  readonly write: (text: string) => void;
  readonly readText?: PolicySources['readText'];
  readonly readRegistry?: PolicySources['readRegistry'];
}

const STATUS_WIDTH = 'weakened'.length + 2;

/** The self-test as lines: each safeguard, and under it each key that is not met. */
export function selfTestText(results: readonly SafeguardResult[]): string[] {
  const citationWidth = Math.max(...results.map((result) => result.citation.length)) + 2;
  return [
    'HIPAA Security Rule technical safeguards (45 CFR 164.312), and minimum necessary (164.502(b)), under this policy:',
    ...results.flatMap((result) => [
      `  ${result.status.padEnd(STATUS_WIDTH)}${result.citation.padEnd(citationWidth)}${result.title}`,
      ...result.findings
        .filter((finding) => finding.status !== 'met')
        .map((finding) => `${' '.repeat(STATUS_WIDTH + citationWidth + 2)}${finding.key}: ${finding.why}`),
    ]),
  ];
}

function refusedText(refused: { readonly error: PolicyLoadError }, what: string): string[] {
  const { code, issues } = refused.error;
  const head =
    code === 'POLICY_UNREADABLE'
      ? `${what}: cannot be read (permissions or I/O); Wardline refuses every sign-in until it can.`
      : `${what}: not a valid Wardline policy; Wardline would refuse every sign-in.`;
  return [head, ...issues.map((issue) => `  ${issue.key}: ${issue.reason}`)];
}

async function check(file: string, deps: PolicyCommandDeps): Promise<number> {
  const load = await loadPolicy({
    platform: deps.platform,
    overrideFile: file,
    ...(deps.readText ? { readText: deps.readText } : {}),
  });
  if (!load.ok) {
    deps.write(`${refusedText(load, file).join('\n')}\n`);
    return EXIT.refused;
  }
  const { policy, setKeys } = load.value;
  const lines = [
    `${file}: a valid Wardline policy (${String(setKeys.length)} of ${String(POLICY_KEYS.length)} keys set; the others take their defaults).`,
  ];
  // The CA as each workstation will read it. A CA file missing on IT's own computer is no fault
  // of the policy (it is deployed to the workstations); one that is there and no certificate is.
  const endpoint = policyEndpoint(policy, file);
  if (!endpoint.ok) {
    if (endpoint.error.code !== 'POLICY_UNREADABLE') {
      deps.write(`${refusedText(endpoint, file).join('\n')}\n`);
      return EXIT.refused;
    }
    lines.push('  caCertificate: the file cannot be read on this computer; each workstation reads it at start.');
  }
  deps.write(`${[...lines, '', ...selfTestText(policySelfTest(policy))].join('\n')}\n`);
  return EXIT.valid;
}

type KeyOrigin = 'registry' | 'file' | 'override' | 'default';

async function printEffective(deps: PolicyCommandDeps): Promise<number> {
  const sources = decideLaunchSources({ packaged: deps.packaged }, commandLineSources(deps.argv));
  const { load } = await loadEffectivePolicy({
    platform: deps.platform,
    overrideFile: sources.policyFile,
    ...(deps.readText ? { readText: deps.readText } : {}),
    ...(deps.readRegistry ? { readRegistry: deps.readRegistry } : {}),
  });
  if (!load.ok) {
    const { code, location, issues } = load.error;
    deps.write(`${JSON.stringify({ valid: false, code, location, issues }, null, 2)}\n`);
    return EXIT.refused;
  }
  const { policy, source, location, setKeys } = load.value;
  const set = new Set<keyof Policy>(setKeys);
  const keys = Object.fromEntries(
    POLICY_KEYS.map((key) => {
      const from: KeyOrigin = set.has(key) && source !== 'defaults' ? source : 'default';
      return [key, { value: policy[key], from }];
    }),
  );
  const report = {
    valid: true,
    source,
    location,
    ignoredFlags: sources.ignored,
    policy: keys,
    safeguards: policySelfTest(policy),
  };
  deps.write(`${JSON.stringify(report, null, 2)}\n`);
  return EXIT.valid;
}

export async function runPolicyCommand(command: PolicyCommand, deps: PolicyCommandDeps): Promise<number> {
  switch (command.kind) {
    case 'usage':
      deps.write(`${command.problem}\nUsage: wardline ${CHECK_FLAG} <policy.json> | wardline ${PRINT_FLAG}\n`);
      return EXIT.usage;
    case 'check':
      return check(command.file, deps);
    case 'print-effective':
      return printEffective(deps);
  }
}
