#!/usr/bin/env node
// `npm start`: the desktop app when the Electron runtime is installed; otherwise, in plain words,
// the browser host running the same core, with the address to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
// Installs what is missing first (in this process: one Node start less than a prestart script).
import './ensure-deps.mjs';
import { buildWeb } from './build-web.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const run = (command, commandArgs) => spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' }).status ?? 1;

/** Path of the Electron binary if it is really on disk. Requiring `electron` would try to download it. */
function electronBinary() {
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/**
 * With no `--server`, the desktop app gets the embedded demo server as a separate process (the
 * packaged app never contains the server), started first and stopped when the app exits.
 */
async function startDemoServer() {
  const dataDir = path.join(os.homedir(), '.wardline-demo-server');
  const accounts = path.join(dataDir, 'demo-accounts.json');
  const firstStart = !existsSync(accounts);
  const child = spawn('npm', ['run', '--silent', 'server', '--', '--data', dataDir, '--port', '0', '--demo'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { WARDLINE_SERVER_LOG_LEVEL: 'warn', ...process.env },
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const match = /^server ready: (\S+) ca=(.+)$/.exec(line);
    if (match) {
      // Demo accounts are seeded without keys, like real ones: each signs in once so they can be messaged.
      if (
        firstStart &&
        run('npm', [
          'run',
          '--silent',
          'demo:publish',
          '--',
          '--server',
          match[1],
          '--ca',
          match[2],
          '--accounts',
          accounts,
        ]) !== 0
      ) {
        child.kill('SIGTERM');
        throw new Error('the demo accounts could not publish their keys');
      }
      process.stderr.write(
        `Demo server: ${match[1]} (demo accounts: ${accounts}; codes: npm run demo:code -- --data ${dataDir})\n`,
      );
      return { child, url: match[1], ca: match[2] };
    }
  }
  throw new Error('the demo server did not start');
}

const electron = electronBinary();
if (electron !== null) {
  const built = run('npm', ['run', 'build:electron']);
  if (built !== 0) process.exit(built);
  if (args.includes('--server')) process.exit(run(electron, [root, ...args]));
  const demo = await startDemoServer();
  const status = run(electron, [root, '--server', demo.url, '--ca', demo.ca, ...args]);
  demo.child.kill('SIGTERM');
  process.exit(status);
}

process.stderr.write(
  'wardline: no Electron runtime on this machine (it cannot be downloaded here): starting the browser host,\n' +
    'wardline: the same core in your browser.\n',
);
if (!(await buildWeb())) process.exit(1);
process.exit(run(process.execPath, ['--import', 'tsx', path.join(root, 'launch/browser-host-cli.ts'), ...args]));
