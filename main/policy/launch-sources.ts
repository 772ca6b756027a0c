/**
 * Where policy and the server may come from at start: the one rule, shared by the Electron
 * glue and the browser host. A packaged build takes machine policy (the registry, or
 * `/etc/wardline/policy.json`) and nothing else: `--policy`, `--server` and `--ca` on its
 * command line are ignored, because anyone who can edit a shortcut could otherwise lengthen the
 * idle lock, weaken the PIN, or send sign-ins (the auth key and a live code) to their own
 * server. An unpackaged build (development, tests, the browser host, which is never packaged)
 * honours them, and policy that names a server still wins over `--server`.
 */
export const LAUNCH_FLAGS = ['--policy', '--server', '--ca'] as const;
export type LaunchFlag = (typeof LAUNCH_FLAGS)[number];

/** What the command line asked for (values as given; null where absent). */
export interface CommandLineSources {
  readonly policyFile: string | null;
  readonly serverUrl: string | null;
  readonly caFile: string | null;
}

export interface LaunchSources {
  /** A policy file to read instead of the OS location, or null for machine policy. */
  readonly policyFile: string | null;
  /** A server for when policy names none, or null. */
  readonly server: { readonly url: string; readonly caFile: string } | null;
  /** Flags that were given and are not honoured (names only: never a value). */
  readonly ignored: readonly LaunchFlag[];
}

export function decideLaunchSources(build: { readonly packaged: boolean }, given: CommandLineSources): LaunchSources {
  const present: LaunchFlag[] = [];
  if (given.policyFile !== null) present.push('--policy');
  if (given.serverUrl !== null) present.push('--server');
  if (given.caFile !== null) present.push('--ca');
  if (build.packaged) return { policyFile: null, server: null, ignored: present };
  return {
    policyFile: given.policyFile,
    server: given.serverUrl !== null && given.caFile !== null ? { url: given.serverUrl, caFile: given.caFile } : null,
    ignored: [],
  };
}

/**
 * The three flags from a raw argv (`--flag value` or `--flag=value`). A flag given more than
 * once counts as given, with its first value.
 */
export function commandLineSources(argv: readonly string[]): CommandLineSources {
  const valueOf = (flag: LaunchFlag): string | null => {
    for (let index = 0; index < argv.length; index += 1) {
      const arg = argv[index] ?? '';
      if (arg === flag) return argv[index + 1] ?? '';
      if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
    }
    return null;
  };
  return { policyFile: valueOf('--policy'), serverUrl: valueOf('--server'), caFile: valueOf('--ca') };
}
