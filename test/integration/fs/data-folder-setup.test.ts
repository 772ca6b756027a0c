/**
 * Electron's start-up order for the workstation data folder, on real folders in a temp dir:
 * where it is, made safe, older profile data moved in, and the device layer opened. The per-
 * machine default (/var/lib/wardline) is never touched: these run as an unpackaged build, or
 * with a policy folder in the temp dir.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDeviceLayer, setUpDataFolder, type DataFolderSetupInput } from '../../../main/core/data-folder-setup';
import { armDeviceKeyShred } from '../../../main/device/device-key-shred';
import { deviceIdentityFile, loadOrCreateDeviceIdentity } from '../../../main/device/device-identity';
import type { DeviceProtector } from '../../../main/keys/device-protector';
import { unwrapSecret, wrapSecret } from '../../../main/keys/key-wrap';
import { tempDir } from '../../support/vault-fixtures';
import { capturedLogger } from '../../support/captured-log';

const posix = process.platform !== 'win32';

function input(profileDir: string, policyDir: string | null, logger = capturedLogger().logger): DataFolderSetupInput {
  return {
    platform: process.platform,
    env: {},
    packaged: false,
    profileDir,
    policyDir,
    uid: process.getuid?.() ?? -1,
    runIcacls: () => Promise.resolve(true),
    now: () => Date.UTC(2025, 0, 2),
    logger,
  };
}

const AD = new TextEncoder().encode('stand-in');
function keystore(): DeviceProtector {
  const key = new Uint8Array(randomBytes(32));
  return {
    kind: 'os-keystore',
    protect: (data) => wrapSecret(data, key, AD),
    unprotect: (data) => unwrapSecret(data, key, AD),
  };
}

describe('setting up the workstation data folder', () => {
  it('keeps an unpackaged build in its profile folder, with nothing to move', async () => {
    const profileDir = tempDir('wardline-profile-');
    const set = await setUpDataFolder(input(profileDir, null));
    expect(set).toMatchObject({ ok: true, value: { dataDir: profileDir, migrateFrom: null, chosenBy: 'profile' } });
    expect(readdirSync(profileDir).sort()).toEqual(['machine', 'vaults']);
  });

  it('moves a profile into the folder policy names, and the moved folders end up 0700', async () => {
    const profileDir = tempDir('wardline-profile-');
    const dataDir = path.join(tempDir('wardline-machine-'), 'Wardline');
    mkdirSync(path.join(profileDir, 'machine'), { mode: 0o755 });
    writeFileSync(path.join(profileDir, 'machine', 'audit-head.json'), '{"head":1}');
    mkdirSync(path.join(profileDir, 'vaults', 'a'.repeat(32)), { recursive: true });
    writeFileSync(path.join(profileDir, 'vaults', 'a'.repeat(32), 'keys.json'), '{}');
    if (posix) chmodSync(path.join(profileDir, 'machine'), 0o755);
    const { lines, logger } = capturedLogger();
    const set = await setUpDataFolder(input(profileDir, dataDir, logger));
    expect(set).toMatchObject({ ok: true, value: { dataDir, migrateFrom: profileDir, chosenBy: 'policy' } });
    expect(readFileSync(path.join(dataDir, 'machine', 'audit-head.json'), 'utf8')).toBe('{"head":1}');
    expect(existsSync(path.join(dataDir, 'vaults', 'a'.repeat(32), 'keys.json'))).toBe(true);
    expect(existsSync(path.join(profileDir, 'machine'))).toBe(false);
    if (posix)
      for (const dir of [dataDir, path.join(dataDir, 'machine'), path.join(dataDir, 'vaults')])
        expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
    // Counts and codes, never a path: a path names the OS user.
    expect(lines.join('')).toContain('profile data moved to the data folder');
    expect(lines.join('')).not.toContain(profileDir);
    expect(lines.join('')).not.toContain(dataDir);
  });

  it('finishes in the profile a wipe that was cut short there, so its device key never moves', async () => {
    const profileDir = tempDir('wardline-profile-');
    const dataDir = path.join(tempDir('wardline-machine-'), 'Wardline');
    const identity = await loadOrCreateDeviceIdentity({
      dataDir: profileDir,
      device: keystore(),
      allowUnprotectedDevice: false,
    });
    expect(identity.ok).toBe(true);
    armDeviceKeyShred(profileDir);
    expect(await setUpDataFolder(input(profileDir, dataDir))).toMatchObject({ ok: true });
    expect(existsSync(deviceIdentityFile(profileDir))).toBe(false);
    expect(existsSync(deviceIdentityFile(dataDir))).toBe(false);
    expect(readdirSync(path.join(dataDir, 'machine'))).toEqual([]);
  });

  it('stops with a code when the folder cannot be used, and moves nothing', async () => {
    const profileDir = tempDir('wardline-profile-');
    mkdirSync(path.join(profileDir, 'machine'));
    const missingParent = path.join(tempDir('wardline-machine-'), 'no', 'Wardline');
    expect(await setUpDataFolder(input(profileDir, missingParent))).toEqual({
      ok: false,
      error: 'DATA_FOLDER_UNAVAILABLE',
    });
    const otherPlatform = posix ? 'D:\\Wardline' : '/srv/wardline';
    expect(await setUpDataFolder(input(profileDir, otherPlatform))).toEqual({
      ok: false,
      error: 'MACHINE_DATA_DIR_INVALID',
    });
    if (posix) {
      const open = path.join(tempDir('wardline-machine-'), 'Wardline');
      mkdirSync(open);
      chmodSync(open, 0o777);
      expect(await setUpDataFolder(input(profileDir, open))).toEqual({
        ok: false,
        error: 'DATA_FOLDER_WRITABLE_BY_OTHERS',
      });
    }
    expect(existsSync(path.join(profileDir, 'machine'))).toBe(true);
  });
});

describe('opening the device layer', () => {
  it("is the user's keystore itself outside Windows", async () => {
    const legacy = keystore();
    const layer = await openDeviceLayer({
      platform: 'linux',
      dataDir: tempDir(),
      legacy,
      sealer: { seal: () => Promise.reject(new Error('unused')), unseal: () => Promise.reject(new Error('unused')) },
      logger: capturedLogger().logger,
    });
    expect(layer).toBe(legacy);
  });

  it('is machine scope on Windows, and reseals what the account sealed before', async () => {
    const dataDir = tempDir();
    const legacy = keystore();
    const before = await loadOrCreateDeviceIdentity({ dataDir, device: legacy, allowUnprotectedDevice: false });
    if (!before.ok) throw new Error(before.error);
    const machineKey = new Uint8Array(randomBytes(32));
    const sealer = {
      seal: (data: Uint8Array) => wrapSecret(data, machineKey, AD),
      unseal: (data: Uint8Array) => unwrapSecret(data, machineKey, AD),
    };
    const { lines, logger } = capturedLogger();
    const layer = await openDeviceLayer({ platform: 'win32', dataDir, legacy, sealer, logger });
    expect(layer).not.toBe(legacy);
    expect(lines.join('')).toContain('"resealed":1');
    // Another account (another keystore) of this computer now opens the identity.
    const other = await openDeviceLayer({ platform: 'win32', dataDir, legacy: keystore(), sealer, logger });
    if (other === null) throw new Error('no layer');
    const loaded = await loadOrCreateDeviceIdentity({ dataDir, device: other, allowUnprotectedDevice: false });
    expect(loaded).toMatchObject({ ok: true, value: { deviceId: before.value.deviceId } });
    layer?.close?.();
  });

  it('is none, said with a code, when the machine secret cannot be opened (PowerShell locked down)', async () => {
    const { lines, logger } = capturedLogger();
    const layer = await openDeviceLayer({
      platform: 'win32',
      dataDir: tempDir(),
      legacy: keystore(),
      sealer: { seal: () => Promise.reject(new Error('DPAPI_UNAVAILABLE')), unseal: () => Promise.resolve(null) },
      logger,
    });
    expect(layer).toBeNull();
    expect(lines.join('')).toContain('"code":"DPAPI_UNAVAILABLE"');
  });
});
