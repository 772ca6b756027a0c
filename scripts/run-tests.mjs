#!/usr/bin/env node
// `npm test`: format, lint, module graph, dead code, typecheck, the Electron bundles, the web build, every
// Vitest tier (unit, integration, security, e2e) and Electronegativity, then one line `N passed, N failed[, N
// skipped]` summing them all. Static checks count as one test each. The line is also written to
// test-results/summary.txt for .ci/run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const run = (label, command, args) => {
  process.stdout.write(`\n== ${label}\n`);
  const started = Date.now();
  const status = spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status;
  process.stdout.write(
    `== ${label}: ${status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  return status === 0;
};
const check = (label, command, args) => {
  if (run(label, command, args)) totals.passed += 1;
  else totals.failed += 1;
};

check('format', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']);
check('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);
check('module graph (no cycles, no app-server imports)', 'npx', [
  'depcruise',
  'main',
  'server',
  'shared',
  'launch',
  'preload',
  'renderer/src',
  '--config',
  '.dependency-cruiser.cjs',
]);
check('dead code (knip)', 'npx', ['knip', '--no-progress']);
check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
// What Electron loads, as electron-vite writes it: a bundle that does not build, or lacks a
// worker main starts by name, fails here rather than on a hospital's PCs.
const ELECTRON_BUNDLE = [
  'out/main/main.cjs',
  'out/main/kdf-worker.cjs',
  'out/main/heic-worker.cjs',
  'out/main/cipher-worker.cjs',
  'out/main/store-worker.cjs',
  'out/preload/electron-preload.cjs',
  'out/renderer/index.html',
];
rmSync(path.join(root, 'out'), { recursive: true, force: true });
const bundled = run('build Electron bundles', 'npm', ['run', '--silent', 'build:electron']);
const missing = ELECTRON_BUNDLE.filter((file) => !existsSync(path.join(root, file)));
if (bundled && missing.length === 0) totals.passed += 1;
else {
  if (missing.length > 0) process.stdout.write(`== missing from the Electron bundle: ${missing.join(', ')}\n`);
  totals.failed += 1;
}
const built = run('build renderer', 'npm', ['run', '--silent', 'build:web']);
process.env.WARDLINE_SKIP_WEB_BUILD = '1';
if (!built) totals.failed += 1;

const report = path.join(resultsDir, 'vitest.json');
run('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += json.numPassedTests;
  totals.failed += json.numFailedTests;
  totals.skipped += json.numPendingTests + json.numTodoTests;
  // A suite that failed to load, or whose setup failed (its tests then show as skipped), has no
  // failed test counted in it: count it as a failure, so a broken beforeAll never passes as a skip.
  const brokenSuites = json.testResults.filter(
    (suite) => suite.status === 'failed' && !suite.assertionResults.some((test) => test.status === 'failed'),
  );
  totals.failed += brokenSuites.length;
} else {
  totals.failed += 1;
}

check('electronegativity', 'node', ['scripts/electronegativity.mjs']);

const summary = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
writeFileSync(path.join(resultsDir, 'summary.txt'), `${summary}\n`);
process.stdout.write(`\n${summary}\n`);
process.exit(totals.failed === 0 ? 0 : 1);
