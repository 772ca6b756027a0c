/**
 * The server's data folder is private to the account it runs as (server/data-folder.ts):
 * whatever the process umask and whatever the folder's earlier mode, every file the server
 * and PGlite create is 0600 and every folder 0700; a folder group or others can write is
 * refused before anything in it is read or created. Runs on PGlite: it is the one that writes
 * hundreds of files into the folder (PostgreSQL keeps its own).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataFolderUnsafeError } from '../../../server/data-folder';
import { repoRoot } from '../../support/browser-host-process';
import {
  createUser,
  HOOK_TIMEOUT_MS,
  readyUsers,
  sealMessage,
  startTestServer,
  token,
} from '../../support/server-fixtures';
import { seedPgliteFromTemplate } from '../../support/pglite-template';

/** Every path under `folder` (itself included) whose mode lets group or others in at all. */
function openToOthers(folder: string): string[] {
  const found: string[] = [];
  const visit = (entry: string) => {
    const info = lstatSync(entry);
    if (info.isSymbolicLink()) return;
    if ((info.mode & 0o077) !== 0)
      found.push(`${path.relative(folder, entry) || '.'} ${(info.mode & 0o777).toString(8)}`);
    if (info.isDirectory()) for (const name of readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(folder);
  return found;
}

/** Every file and folder under `folder`, counted: the test must have looked at a real tree. */
function countEntries(folder: string): number {
  return readdirSync(folder, { recursive: true }).length;
}

const folders: string[] = [];
function newFolder(mode: number): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'wardline-data-folder-'));
  chmodSync(folder, mode);
  folders.push(folder);
  return folder;
}

let umaskBefore: number;
beforeAll(() => {
  umaskBefore = process.umask(0);
});
afterEach(() => {
  // The reviewer's machine: a umask that takes nothing away, so PGlite's 0666 files stay 0666.
  process.umask(0);
});
afterAll(() => {
  process.umask(umaskBefore);
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('the data folder', () => {
  it(
    'that already exists (0755) under umask 0 holds nothing group or others can open, while running and after',
    async () => {
      const dataDir = newFolder(0o755);
      const target = await startTestServer('pglite', { dataDir, freshDatabase: true, demo: true });
      try {
        const [nurse, doctor] = await readyUsers(target, [
          { userId: 'nurse.mode', displayName: 'Nurse Mode' },
          { userId: 'dr.mode', displayName: 'Dr Mode', role: 'physician' },
        ]);
        const sent = await sealMessage(target, { from: nurse!, to: [doctor!], text: 'anything' });
        await target.api.ok('send', { envelope: sent }, token(nurse!));
        expect(openToOthers(dataDir)).toEqual([]);
      } finally {
        await target.close();
      }
      expect(countEntries(dataDir)).toBeGreaterThan(500);
      expect(existsSync(path.join(dataDir, 'demo-accounts.json'))).toBe(true);
      expect(openToOthers(dataDir)).toEqual([]);
    },
    HOOK_TIMEOUT_MS,
  );

  it(
    'keeps nothing an earlier version left open: a PGlite folder of 0777 folders and 0666 files is made private before it opens',
    async () => {
      const dataDir = newFolder(0o700);
      await seedPgliteFromTemplate(dataDir);
      const loosen = (entry: string) => {
        const info = lstatSync(entry);
        chmodSync(entry, info.isDirectory() ? 0o777 : 0o666);
        if (info.isDirectory()) for (const name of readdirSync(entry)) loosen(path.join(entry, name));
      };
      loosen(path.join(dataDir, 'pglite'));
      writeFileSync(path.join(dataDir, 'left-by-hand.txt'), 'x', { mode: 0o644 });
      expect(openToOthers(dataDir).length).toBeGreaterThan(500);
      const target = await startTestServer('pglite', { dataDir });
      try {
        await createUser(target, { userId: 'nurse.after', displayName: 'Nurse After' });
      } finally {
        await target.close();
      }
      expect(openToOthers(dataDir)).toEqual([]);
    },
    HOOK_TIMEOUT_MS,
  );

  for (const [mode, who] of [
    [0o777, 'everyone'],
    [0o770, 'its group'],
    [0o702, 'others'],
    [0o1777, 'everyone, even with the sticky bit'],
  ] as const) {
    it(`is refused when ${who} can write it (${mode.toString(8)}), before anything in it is created or changed`, async () => {
      const dataDir = newFolder(mode);
      mkdirSync(path.join(dataDir, 'planted'), { mode: 0o777 });
      chmodSync(path.join(dataDir, 'planted'), 0o777);
      const refusal = startTestServer('pglite', { dataDir, freshDatabase: true });
      await expect(refusal).rejects.toBeInstanceOf(DataFolderUnsafeError);
      await expect(refusal).rejects.toMatchObject({
        code: 'DATA_FOLDER_UNSAFE',
        problem: 'WRITABLE_BY_OTHERS',
        folder: dataDir,
      });
      expect(readdirSync(dataDir)).toEqual(['planted']);
      expect(lstatSync(dataDir).mode & 0o7777).toBe(mode);
      expect(lstatSync(path.join(dataDir, 'planted')).mode & 0o777).toBe(0o777);
    });
  }

  it('is refused by `npm run server` with a message naming the folder and saying what to do, and exit 1', () => {
    const dataDir = newFolder(0o777);
    writeFileSync(path.join(dataDir, 'secret-name-of-a-file'), '');
    const scripts = (
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const [node, ...args] = scripts.server?.split(' ') ?? [];
    expect(node).toBe('node');
    const run = spawnSync(process.execPath, [...args, '--data', dataDir, '--port', '0'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`The data folder ${dataDir} can be written by other accounts: make it 0700`);
    expect(run.stderr).toContain('server failed to start (DataFolderUnsafeError DATA_FOLDER_UNSAFE)');
    expect(run.stderr).not.toContain('secret-name-of-a-file');
  });
});
