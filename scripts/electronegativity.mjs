#!/usr/bin/env node
// Runs @doyensec/electronegativity over main/ and preload/ and fails on any finding that is not
// explained in test/security/electronegativity-accepted.json: one entry per finding, matched by
// check, file and the code the tool quoted (scripts/electronegativity-findings.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { matchAccepted, parseFindings } from './electronegativity-findings.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const accepted = JSON.parse(readFileSync(path.join(root, 'test/security/electronegativity-accepted.json'), 'utf8'));
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const work = mkdtempSync(path.join(os.tmpdir(), 'wardline-eneg-'));

// One scan over both folders, so global checks (navigation limits, permission handler) see
// main's handlers while looking at the preload.
const input = path.join(work, 'src');
for (const dir of ['main', 'preload']) cpSync(path.join(root, dir), path.join(input, dir), { recursive: true });
const report = path.join(work, 'findings.sarif');
const result = spawnSync(
  'npx',
  ['electronegativity', '-i', input, '-r', '-v', 'false', '-e', electronVersion, '-o', report],
  {
    cwd: root,
    encoding: 'utf8',
  },
);
if (result.status !== 0) {
  process.stderr.write(result.stdout + result.stderr);
  process.stderr.write('electronegativity failed\n');
  process.exit(1);
}
const sourceLine = (file, line) => {
  try {
    return readFileSync(path.join(input, file), 'utf8').split('\n')[line - 1];
  } catch {
    return undefined;
  }
};
const findings = parseFindings(readFileSync(report, 'utf8'), sourceLine);
if (findings === null) {
  process.stderr.write("electronegativity: a finding in the report could not be read; the report's format changed\n");
  process.exit(1);
}
const { unexplained, stale } = matchAccepted(findings, accepted);
rmSync(work, { recursive: true, force: true });

process.stdout.write(
  `electronegativity: ${findings.length} finding(s), ${unexplained.length} unexplained, ${stale.length} accepted entr(ies) matching none\n`,
);
for (const f of unexplained) process.stdout.write(`  unexplained: ${f.file}:${f.location} ${f.check} ${f.snippet}\n`);
for (const e of stale)
  process.stdout.write(
    `  accepted entry that explains no finding (stale, or lacks a check, file, snippet or reason): ${e.file} ${e.check} ${e.snippet}\n`,
  );
process.exit(unexplained.length === 0 && stale.length === 0 ? 0 : 1);
