#!/usr/bin/env node
// `npm start`: the desktop app when the Electron runtime is installed; otherwise, in plain words,
// the browser host running the same core, with the address to open.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

const electron = electronBinary();
if (electron !== null) {
  const built = run('npm', ['run', 'build:electron']);
  if (built !== 0) process.exit(built);
  process.exit(run(electron, [root, ...args]));
}

process.stderr.write(
  [
    'The Electron runtime is not installed on this machine (it cannot be downloaded here),',
    'so Wardline is starting its browser host instead: the same core, in your browser.',
    'Open the address printed below in Chromium.',
    '',
  ].join('\n'),
);
process.exit(run('npm', ['run', 'start:browser', '--', ...args]));
