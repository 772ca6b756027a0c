#!/usr/bin/env node
// `npm run build:web [-- --force]`: builds the renderer and the browser host's preload with Vite,
// unless nothing they are built from changed since the last build. "Built from" is a content hash
// of every file the two bundles can import (renderer/, preload/, shared/, the CSP the Vite config
// writes into the page), the Vite configs and the lockfile; it is written next to the bundles
// only after both built, so an interrupted build is never taken for a finished one.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { quietly, step } from './progress.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`wardline: ${line}\n`);

const INPUT_FOLDERS = ['renderer', 'preload', 'shared'];
const INPUT_FILES = ['main/shell/content-security-policy.ts', 'package-lock.json', 'tsconfig.web.json'];
const OUTPUTS = ['dist/renderer/index.html', 'dist/browser-preload/browser-preload.js'];
const STAMP = path.join(root, 'dist', '.web-inputs.sha256');

/** Every file under `folder`, relative to the root, in a fixed order. */
function filesUnder(folder) {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.split(path.sep).includes('node_modules'));
}

function webInputsHash() {
  const files = [...INPUT_FOLDERS.flatMap(filesUnder), ...INPUT_FILES].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    // The name and the length frame each file, so moving bytes between files changes the hash.
    const content = readFileSync(path.join(root, file));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/** Builds unless up to date; resolves to false (after saying why) if the build failed. */
export async function buildWeb({ force = false } = {}) {
  const inputs = webInputsHash();
  const built = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
  if (!force && built === inputs && OUTPUTS.every((file) => existsSync(path.join(root, file)))) {
    say('renderer is up to date (build skipped)');
    return true;
  }
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  try {
    await step('building the renderer', async () => {
      for (const config of ['renderer/vite.config.ts', 'preload/vite.browser.config.ts'])
        await quietly(process.execPath, [vite, 'build', '--config', config, '--logLevel', 'warn'], { cwd: root });
    });
  } catch {
    say('the renderer build failed; see the output above.');
    return false;
  }
  writeFileSync(STAMP, `${inputs}\n`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  process.exit((await buildWeb({ force: process.argv.includes('--force') })) ? 0 : 1);
