#!/usr/bin/env node
// Runs @doyensec/electronegativity over main/ and preload/ and fails on any finding that is not
// explained in test/security/electronegativity-accepted.json (check + file + reason).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const accepted = JSON.parse(readFileSync(path.join(root, 'test/security/electronegativity-accepted.json'), 'utf8'));
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const work = mkdtempSync(path.join(os.tmpdir(), 'wardline-eneg-'));

// One scan over both folders, so global checks (navigation limits, permission handler) see
// main's handlers while looking at the preload.
const input = path.join(work, 'src');
for (const dir of ['main', 'preload']) cpSync(path.join(root, dir), path.join(input, dir), { recursive: true });
const csv = path.join(work, 'findings.csv');
const result = spawnSync('npx', ['electronegativity', '-i', input, '-r', '-v', 'false', '-e', electronVersion, '-o', csv], {
  cwd: root,
  encoding: 'utf8',
});
if (result.status !== 0) {
  process.stderr.write(result.stdout + result.stderr);
  process.stderr.write('electronegativity failed\n');
  process.exit(1);
}
// A row starts with its check's name; a line that does not is the rest of the row before it
// (the tool has been seen to break a description across lines).
const rows = [];
for (const line of readFileSync(csv, 'utf8').trim().split('\n').slice(1)) {
  if (/^[A-Z][A-Z0-9_]*,/.test(line) || rows.length === 0) rows.push(line);
  else rows[rows.length - 1] += line;
}
const unexplained = [];
for (const row of rows) {
  const [check, , , file, location] = row.split(',').map((cell) => cell.replace(/^"|"$/g, ''));
  const explained = accepted.some((entry) => entry.check === check && entry.file === file && entry.reason.length > 20);
  if (!explained) unexplained.push(`${file}:${location} ${check}`);
}
rmSync(work, { recursive: true, force: true });

process.stdout.write(`electronegativity: ${rows.length} finding(s), ${unexplained.length} unexplained\n`);
for (const line of unexplained) process.stdout.write(`  unexplained: ${line}\n`);
process.exit(unexplained.length === 0 ? 0 : 1);
