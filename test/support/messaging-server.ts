/**
 * A real reference server for client integration tests, with accounts whose passwords and
 * TOTP secrets the test knows, plus helpers to sign a workstation in as one of them.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../../server/server';
import { totpCodeAt } from '../../server/accounts/totp';
import type { TestAccount } from './test-account';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import { seedPgliteFromTemplate } from './pglite-template';
import { TEST_AUTH_KEY_HASH_COST } from './server-fixtures';
import { tempDir } from './vault-fixtures';
import type { Workstation } from './workstation';

export { account, type TestAccount } from './test-account';

export interface TestServer {
  readonly server: RunningServer;
  readonly endpoint: ServerEndpoint;
  readonly dataDir: string;
}

export async function startTestServer(
  accounts: readonly TestAccount[],
  options: Partial<ServerOptions> = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir('wardline-server-');
  // A new embedded database starts from the initialised template (server-fixtures.ts), not initdb.
  if (options.dataDir === undefined && options.databaseUrl === undefined) await seedPgliteFromTemplate(dataDir);
  const server = await startServer({
    dataDir,
    port: 0,
    log: { level: 'silent' },
    authKeyHashCost: TEST_AUTH_KEY_HASH_COST,
    ...options,
  });
  for (const a of accounts) await server.admin.createAccount(a);
  return { server, dataDir, endpoint: { url: server.url, caPem: readFileSync(server.caCertPath, 'utf8') } };
}

/** A code for the TOTP step `offset` steps from now (a second sign-in in the same 30 s needs the next one). */
export function totpCode(a: TestAccount, offset = 0): string {
  return totpCodeAt(a.totpSecret, Date.now() + offset * 30_000);
}

/** Password, then the authentication code: the clinician is signed in. */
export async function signIn(station: Workstation, a: TestAccount, codeOffset = 0): Promise<void> {
  const first = await station.call('session.signIn', { userId: a.userId, password: a.password });
  expect(first).toEqual({ ok: true, value: { step: 'mfa' } });
  const second = await station.call('session.verifyMfa', { code: totpCode(a, codeOffset) });
  expect(second.ok && second.value.state).toBe('unlocked');
}
