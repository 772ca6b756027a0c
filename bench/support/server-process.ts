/** The coordinator's handle on a reference server running in a child process (server-child.ts). */
import path from 'node:path';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import type { RoleAddress } from '../../server/directory/role-address-store';
import type { RoleEscalationTimes } from '../../shared/protocol/escalation';
import { repoRoot, startChild, type ChildHandle } from './child-rpc';
import type { BenchAccount } from './clients';
import { cpuOf } from './machine-load';

export interface ServerProcess {
  readonly child: ChildHandle;
  readonly endpoint: ServerEndpoint;
  createAccounts(accounts: readonly BenchAccount[]): Promise<void>;
  createRoleAddress(input: RoleAddress & { readonly members: readonly string[] }): Promise<void>;
  cpuMs(): Promise<number>;
  /** The server process's resident memory. */
  rssBytes(): Promise<number>;
}

/**
 * `WARDLINE_BENCH_PROFILE=<dir>`: the benches write CPU profiles of their children's main threads
 * there, covering the measurement named in the file (not the setup).
 */
export const profileDir = (): string | null => process.env.WARDLINE_BENCH_PROFILE ?? null;

export async function profiled<T>(
  children: Record<string, ChildHandle>,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const dir = profileDir();
  if (dir === null) return work();
  await Promise.all(Object.values(children).map((child) => child.call('profileStart')));
  try {
    return await work();
  } finally {
    await Promise.all(
      Object.entries(children).map(([name, child]) =>
        child.call('profileStop', { file: path.join(dir, `${label}-${name}.cpuprofile`) }),
      ),
    );
  }
}

export async function startServerProcess(options: {
  dataDir: string;
  databaseUrl?: string;
  /** The organisation's escalation times (server option `escalation`). */
  escalation?: RoleEscalationTimes;
  onChild?: (child: ChildHandle) => void;
}): Promise<ServerProcess> {
  const child = await startChild(path.join(repoRoot, 'bench/support/server-child.ts'));
  options.onChild?.(child);
  const endpoint = await child.call<ServerEndpoint>('start', {
    dataDir: options.dataDir,
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    ...(options.escalation === undefined ? {} : { escalation: options.escalation }),
  });
  return {
    child,
    endpoint,
    async createAccounts(accounts) {
      await child.call('createAccounts', accounts, 600_000);
    },
    async createRoleAddress(input) {
      await child.call('createRoleAddress', input);
    },
    cpuMs: () => cpuOf(child),
    rssBytes: () => child.call<number>('rssBytes'),
  };
}
