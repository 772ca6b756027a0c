#!/usr/bin/env node
// Installs what `npm start` and `npm test` need and is missing: the npm dependencies (when
// node_modules is absent or older than package-lock.json) and, with --browser, Debian's chromium.
// Uses only Node built-ins: it runs before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { quietly, step } from './progress.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`wardline: ${line}\n`);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  say(`Node ${process.versions.node} is too old: Wardline needs Node 20.19 or newer.`);
  process.exit(1);
}

const lockFile = path.join(root, 'package-lock.json');
const stamp = path.join(root, 'node_modules', '.wardline-lock-hash');
const lockHash = createHash('sha256').update(readFileSync(lockFile)).digest('hex');
const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (installed !== lockHash) {
  // The Electron runtime is fetched only by packaging; it cannot be downloaded on offline machines.
  // npm's own output is shown only if it fails: a first start stays a few readable lines.
  try {
    await step('installing npm dependencies (native modules build from source: a few minutes)', () =>
      quietly('npm', ['ci', '--no-audit', '--no-fund'], {
        cwd: root,
        env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      }),
    );
  } catch {
    say('npm ci failed; see the output above.');
    process.exit(1);
  }
  writeFileSync(stamp, `${lockHash}\n`);
}

if (process.argv.includes('--browser')) {
  const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
  if (!has('chromium') && !process.env.WARDLINE_CHROMIUM) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot && has('apt-get')) {
      say("installing Debian's chromium for the end-to-end tests...");
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    } else {
      say("Debian's chromium is missing: run `sudo apt-get install -y chromium` (or set WARDLINE_CHROMIUM).");
      process.exit(1);
    }
  }
}
