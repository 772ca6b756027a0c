/**
 * `npm run start:browser -- [--port <p>] [--data <dir>] [--server <url> --ca <file>] [--policy <file>]`:
 * runs the main-process core under Node behind the browser host and prints one line
 * `browser host ready: <url>`. Policy comes from `--policy`, else `/etc/wardline/policy.json`;
 * a server it names wins over `--server`. With neither, it first starts the embedded demo
 * server in `<data>/server` (development only: the demo accounts are in
 * `<data>/server/demo-accounts.json`).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppCore } from '../main/core/app-core';
import { createMachineFileProtector } from '../main/keys/device-protector';
import { createLogger } from '../main/logging/logger';
import { appVersion } from '../main/core/app-version';
import { readServerEndpoint } from '../main/server-link/server-config';
import type { ServerEndpoint } from '../main/server-link/server-endpoint';
import { startServer } from '../server/server';
import { startBrowserHost } from '../main/browser-host/browser-host';
import { publishDemoIdentities } from './demo-identities';
import { loadPolicy, type PolicyLoad } from '../main/policy/policy-loader';
import { policyEndpoint } from '../main/policy/policy-endpoint';
import { decideLaunchSources } from '../main/policy/launch-sources';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function fail(message: string): never {
  process.stderr.write(`wardline browser host: ${message}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        data: { type: 'string', default: path.join(os.homedir(), '.wardline-browser-host') },
        server: { type: 'string' },
        ca: { type: 'string' },
        policy: { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : 'bad arguments');
  }
})();

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0-65535, got "${values.port}"`);
const dataDir = path.resolve(values.data);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

const logger = createLogger();

if ((values.server === undefined) !== (values.ca === undefined)) fail('--server and --ca go together');
// The browser host is never packaged: the same rule as Electron's, as an unpackaged build.
const sources = decideLaunchSources(
  { packaged: false },
  {
    policyFile: values.policy === undefined ? null : path.resolve(values.policy),
    serverUrl: values.server ?? null,
    caFile: values.ca ?? null,
  },
);
// Machine-wide policy first: a server it names is the only one used, whatever the command line says.
let policy: PolicyLoad = await loadPolicy({ platform: process.platform, overrideFile: sources.policyFile });
let policyServer: ServerEndpoint | null = null;
if (policy.ok) {
  const named = policyEndpoint(policy.value.policy, policy.value.location);
  if (named.ok) policyServer = named.value;
  else policy = named;
}
if (!policy.ok)
  process.stdout.write(
    `policy refused (${policy.error.code}${policy.error.keys.length > 0 ? `: ${policy.error.keys.join(', ')}` : ''}); nobody can sign in\n`,
  );
let embedded: { close(): Promise<void> } | null = null;
let endpoint: ServerEndpoint;
if (policyServer !== null) {
  endpoint = policyServer;
} else if (sources.server !== null) {
  const configured = readServerEndpoint(sources.server);
  if (!configured.ok) fail(`server configuration refused (${configured.error})`);
  endpoint = configured.value;
} else {
  const accountsFile = path.join(dataDir, 'server', 'demo-accounts.json');
  const firstStart = !existsSync(accountsFile);
  const server = await startServer({ dataDir: path.join(dataDir, 'server'), port: 0, demo: true });
  embedded = server;
  endpoint = { url: server.url, caPem: readFileSync(server.caCertPath, 'utf8') };
  if (firstStart) {
    process.stdout.write("embedded demo server: publishing the demo accounts' keys (first start only)\n");
    await publishDemoIdentities(endpoint, accountsFile, logger);
  }
  process.stdout.write(`embedded demo server: ${server.url} accounts=${accountsFile}\n`);
}
const host = await startBrowserHost({
  port,
  logger,
  rendererDir: path.join(repoRoot, 'dist/renderer'),
  browserPreloadFile: path.join(repoRoot, 'dist/browser-preload/browser-preload.js'),
  createCore: (origin) =>
    createAppCore({
      dataDir,
      host: 'browser-host',
      environment: 'development',
      version: appVersion(),
      trustedOrigin: origin,
      logger,
      // No OS keystore is reachable from a plain Node process: the browser host binds vaults to
      // this machine with a machine secret file in its data folder.
      device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
      allowUnprotectedDevice: false,
      server: endpoint,
      policy,
    }),
}).catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return fail(
    code === 'ENOENT'
      ? 'the renderer is not built: run `npm run build:web` first'
      : `could not start (${code ?? 'error'})`,
  );
});

process.stdout.write(`browser host ready: ${host.url}\n`);

const shutdown = () => {
  void host
    .close()
    .then(() => embedded?.close())
    .then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
