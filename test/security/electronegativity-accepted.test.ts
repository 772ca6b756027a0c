/**
 * The real scan (scripts/electronegativity.mjs) on a copy of the sources: the accepted list
 * explains today's findings, and a new `shell.openExternal` in main/electron/main.ts (a file
 * the list already names for that very check) fails the scan.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/browser-host-process';

const copies: string[] = [];

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function scanCopy(edit: (mainTs: string) => string): { status: number | null; output: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-eneg-copy-'));
  copies.push(root);
  for (const dir of ['main', 'preload']) cpSync(path.join(repoRoot, dir), path.join(root, dir), { recursive: true });
  mkdirSync(path.join(root, 'scripts'));
  mkdirSync(path.join(root, 'test/security'), { recursive: true });
  for (const file of [
    'scripts/electronegativity.mjs',
    'scripts/electronegativity-findings.mjs',
    'test/security/electronegativity-accepted.json',
  ]) {
    cpSync(path.join(repoRoot, file), path.join(root, file));
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  const mainTs = path.join(root, 'main/electron/main.ts');
  writeFileSync(mainTs, edit(readFileSync(mainTs, 'utf8')));
  const run = spawnSync(process.execPath, [path.join(root, 'scripts/electronegativity.mjs')], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('electronegativity accepted list', () => {
  it('fails a new finding of an accepted check in an already-listed file', () => {
    const clean = scanCopy((text) => text);
    expect(clean.output).toMatch(/0 unexplained, 0 accepted/);
    expect(clean.status).toBe(0);

    const added = scanCopy((text) =>
      text.replace(
        "  tray.setToolTip('Wardline');",
        "  void shell.openExternal(String(process.argv[5]));\n  tray.setToolTip('Wardline');",
      ),
    );
    expect(added.output).toMatch(
      /unexplained: main\/electron\/main\.ts:\d+:\d+ OPEN_EXTERNAL_JS_CHECK void shell\.openExternal\(String\(process\.argv\[5\]\)\);/,
    );
    expect(added.status).toBe(1);
  }, 90_000);
});
