/**
 * The data folder prepared on a real disk: Linux modes here; the Windows branch with icacls
 * stood in for (its arguments are unit-tested), since Windows cannot run here.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDataFolder, windowsAclArguments } from '../../../main/fs/folder-access';

const uid = process.getuid?.() ?? 0;
const linux = { platform: 'linux' as const, uid, runIcacls: () => Promise.reject(new Error('not on Linux')) };
const temp = () => mkdtempSync(path.join(os.tmpdir(), 'wardline-folder-'));
const modeOf = (dir: string) => statSync(dir).mode & 0o777;

describe.skipIf(process.platform === 'win32')('preparing the data folder on Linux', () => {
  it('creates it and its machine and vaults folders, 0700', async () => {
    const dataDir = path.join(temp(), 'wardline');
    await expect(prepareDataFolder(dataDir, linux)).resolves.toEqual({ ok: true, value: 'created' });
    for (const dir of [dataDir, path.join(dataDir, 'machine'), path.join(dataDir, 'vaults')])
      expect(modeOf(dir), dir).toBe(0o700);
  });

  it('tightens one others may read, and keeps what is in it', async () => {
    const dataDir = path.join(temp(), 'wardline');
    mkdirSync(path.join(dataDir, 'machine'), { recursive: true });
    chmodSync(dataDir, 0o755);
    chmodSync(path.join(dataDir, 'machine'), 0o711);
    writeFileSync(path.join(dataDir, 'machine', 'audit-head.json'), '{}');
    await expect(prepareDataFolder(dataDir, linux)).resolves.toEqual({ ok: true, value: 'tightened' });
    expect([modeOf(dataDir), modeOf(path.join(dataDir, 'machine'))]).toEqual([0o700, 0o700]);
    expect(existsSync(path.join(dataDir, 'machine', 'audit-head.json'))).toBe(true);
  });

  it('refuses, and leaves as it is, one others may write in (the folder or a folder in it)', async () => {
    const dataDir = path.join(temp(), 'wardline');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o777);
    await expect(prepareDataFolder(dataDir, linux)).resolves.toEqual({
      ok: false,
      error: 'DATA_FOLDER_WRITABLE_BY_OTHERS',
    });
    expect(modeOf(dataDir)).toBe(0o777);
    chmodSync(dataDir, 0o700);
    mkdirSync(path.join(dataDir, 'vaults'));
    chmodSync(path.join(dataDir, 'vaults'), 0o770);
    await expect(prepareDataFolder(dataDir, linux)).resolves.toEqual({
      ok: false,
      error: 'DATA_FOLDER_WRITABLE_BY_OTHERS',
    });
  });

  it('refuses a symbolic link or a file where the folder should be', async () => {
    const root = temp();
    mkdirSync(path.join(root, 'elsewhere'), { mode: 0o700 });
    symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'linked'));
    writeFileSync(path.join(root, 'file'), '');
    for (const name of ['linked', 'file'])
      await expect(prepareDataFolder(path.join(root, name), linux), name).resolves.toEqual({
        ok: false,
        error: 'DATA_FOLDER_NOT_A_FOLDER',
      });
  });

  it('says it is unavailable when it cannot be created (no parent; never the parents too)', async () => {
    const dataDir = path.join(temp(), 'missing-parent', 'wardline');
    await expect(prepareDataFolder(dataDir, linux)).resolves.toEqual({ ok: false, error: 'DATA_FOLDER_UNAVAILABLE' });
    expect(existsSync(path.dirname(dataDir))).toBe(false);
  });
});

describe('preparing the data folder on Windows (icacls stood in for)', () => {
  const windows = (runIcacls: (args: readonly string[]) => Promise<boolean>) => ({
    platform: 'win32' as const,
    uid: -1,
    runIcacls,
  });

  it('sets the permissions on a folder it creates, before anything is in it', async () => {
    const dataDir = path.join(temp(), 'Wardline');
    const calls: (readonly string[])[] = [];
    const prepared = await prepareDataFolder(
      dataDir,
      windows((args) => {
        calls.push(args);
        expect(existsSync(path.join(dataDir, 'machine'))).toBe(false);
        return Promise.resolve(true);
      }),
    );
    expect(prepared).toEqual({ ok: true, value: 'created' });
    expect(calls).toEqual([windowsAclArguments(dataDir)]);
  });

  it('removes the folder again when its permissions cannot be set', async () => {
    const dataDir = path.join(temp(), 'Wardline');
    await expect(
      prepareDataFolder(
        dataDir,
        windows(() => Promise.resolve(false)),
      ),
    ).resolves.toEqual({
      ok: false,
      error: 'DATA_FOLDER_ACL_FAILED',
    });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('keeps an existing folder as the installer or the first start made it', async () => {
    const dataDir = temp();
    let calls = 0;
    const prepared = await prepareDataFolder(
      dataDir,
      windows(() => {
        calls += 1;
        return Promise.resolve(true);
      }),
    );
    expect(prepared).toEqual({ ok: true, value: 'kept' });
    expect(calls).toBe(0);
  });
});
