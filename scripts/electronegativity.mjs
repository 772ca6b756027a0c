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
// The tool writes its CSV in pieces and has been seen to break lines anywhere, even between the
// header and the first row, so rows are found by their shape in the whole text, never by line:
// CHECK_NAME,"SEVERITY","CONFIDENCE","file","line:column",…,<wiki URL ending in CHECK_NAME>. Each
// match runs to its own URL, so the next one starts exactly at the next check's name.
const text = readFileSync(csv, 'utf8').replace(/\r?\n/g, '');
const ROW = /([A-Z][A-Z0-9_]*_CHECK),"(?:INFORMATIONAL|LOW|MEDIUM|HIGH|CRITICAL)","\w+","([^"]*)","([^"]*)",.*?electronegativity\/wiki\/\1/g;
const rows = [...text.matchAll(ROW)].map((match) => ({ check: match[1], file: match[2], location: match[3] }));
// Every finding links its wiki page: a row this reading missed must fail the check, not vanish.
const linked = text.split('electronegativity/wiki/').length - 1;
if (linked !== rows.length) {
  process.stderr.write(`electronegativity: ${String(linked)} findings in the report, ${String(rows.length)} read; the report's format changed\n`);
  process.exit(1);
}
const unexplained = [];
for (const { check, file, location } of rows) {
  const explained = accepted.some((entry) => entry.check === check && entry.file === file && entry.reason.length > 20);
  if (!explained) unexplained.push(`${file}:${location} ${check}`);
}
rmSync(work, { recursive: true, force: true });

process.stdout.write(`electronegativity: ${rows.length} finding(s), ${unexplained.length} unexplained\n`);
for (const line of unexplained) process.stdout.write(`  unexplained: ${line}\n`);
process.exit(unexplained.length === 0 ? 0 : 1);
