/**
 * `npm run start:browser -- [--port <p>] [--data <dir>] [--server <url> --ca <file>] [--policy <file>] [--bundled]`:
 * runs the main-process core under Node behind the browser host and prints its ready block, whose
 * first line is `browser host ready: <url>` (ready-block.ts). Policy comes from `--policy`, else
 * `/etc/wardline/policy.json`; a server it names wins over `--server`. With neither, it first
 * starts the embedded demo server in `<data>/server` (development only: the demo accounts are in
 * `<data>/server/demo-accounts.json`) and, on its first start, publishes their keys in the
 * background. Logs go to stderr, warnings only and one line each (terminal-log.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import type { ServerEndpoint } from '../main/server-link/server-endpoint';
import { startServer } from '../server/server';
import { publishDemoIdentities } from './demo-identities';
import { demoAccountLines, readyBlock, type ReadyInfo } from './ready-block';
import { terminalLog } from './terminal-log';

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
        bundled: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : 'bad arguments');
  }
})();

type HostCore = typeof import('../main/browser-host/host-core');
/**
 * The main-process core from its sources, or with `--bundled` from the bundle that ships
 * (`npm run build:electron`), with the renderer that ships: only the transport then differs.
 */
const core: HostCore = values.bundled
  ? (() => {
      try {
        return createRequire(import.meta.url)(path.join(repoRoot, 'out/main/browser-host/core.cjs')) as HostCore;
      } catch {
        return fail('--bundled needs the Electron bundles: run `npm run build:electron` first');
      }
    })()
  : await import('../main/browser-host/host-core');
const { createAppCore, createMachineFileProtector, createLogger, appVersion, readServerEndpoint } = core;
const { startBrowserHost, loadEffectivePolicy, decideLaunchSources } = core;
const rendererDir = path.join(repoRoot, values.bundled ? 'out/renderer' : 'dist/renderer');

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0-65535, got "${values.port}"`);
const dataDir = path.resolve(values.data);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

// A person's terminal gets warnings only, one line each; WARDLINE_LOG=json gives the JSON stream.
const log = terminalLog();
const logger = createLogger(log);

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
const { load: policy, endpoint: policyServer } = await loadEffectivePolicy({
  platform: process.platform,
  overrideFile: sources.policyFile,
});
if (!policy.ok)
  process.stdout.write(
    `policy refused (${policy.error.code}${policy.error.keys.length > 0 ? `: ${policy.error.keys.join(', ')}` : ''}); nobody can sign in\n`,
  );
let embedded: { close(): Promise<void> } | null = null;
let demo: { serverDir: string; accountsFile: string } | null = null;
let endpoint: ServerEndpoint;
if (policyServer !== null) {
  endpoint = policyServer;
} else if (sources.server !== null) {
  const configured = readServerEndpoint(sources.server);
  if (!configured.ok) fail(`server configuration refused (${configured.error})`);
  endpoint = configured.value;
} else {
  const serverDir = path.join(dataDir, 'server');
  const server = await startServer({ dataDir: serverDir, port: 0, demo: true, log });
  embedded = server;
  endpoint = { url: server.url, caPem: readFileSync(server.caCertPath, 'utf8') };
  demo = { serverDir, accountsFile: path.join(serverDir, 'demo-accounts.json') };
}
const host = await startBrowserHost({
  port,
  logger,
  rendererDir,
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

const ready: ReadyInfo = {
  url: host.url,
  demo:
    demo === null
      ? null
      : {
          serverUrl: endpoint.url,
          serverDir: demo.serverDir,
          accounts: demoAccountLines(readFileSync(demo.accountsFile, 'utf8')),
        },
};
process.stdout.write(readyBlock(ready));
if (demo !== null) void publishDemoKeys(endpoint, demo.serverDir, demo.accountsFile);

/**
 * Demo accounts are seeded without keys, like real ones: each signs in once so it can be messaged.
 * After the ready block, so nobody waits for it; done once per demo server (a marker file says so).
 */
async function publishDemoKeys(server: ServerEndpoint, serverDir: string, accountsFile: string): Promise<void> {
  const marker = path.join(serverDir, 'demo-keys-published');
  if (existsSync(marker)) return;
  const total = demoAccountLines(readFileSync(accountsFile, 'utf8')).length;
  process.stdout.write("Publishing the demo accounts' keys (first start only, about ten seconds)...\n");
  const published = await publishDemoIdentities(server, accountsFile, logger);
  if (published === total) writeFileSync(marker, `${new Date().toISOString()}\n`);
  process.stdout.write(
    published === total
      ? 'Demo accounts ready: every one can be messaged.\n'
      : `Only ${String(published)} of ${String(total)} demo accounts published keys; restart to try again.\n`,
  );
}

const shutdown = () => {
  void host
    .close()
    .then(() => embedded?.close())
    .then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
