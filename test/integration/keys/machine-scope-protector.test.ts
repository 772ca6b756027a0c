/**
 * The machine-scope device layer on real files: a device identity and vaults that older versions
 * sealed with one Windows account's keystore become usable by every account on the computer
 * once that account has started once, and never on another computer. DPAPI and each account's
 * keystore are stood in for by wrapping keys (Windows cannot run here).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resealForMachine } from '../../../main/device/device-layer-reseal';
import { deviceIdentityFile, loadOrCreateDeviceIdentity } from '../../../main/device/device-identity';
import { DeviceProtectorError, type DeviceProtector } from '../../../main/keys/device-protector';
import { unwrapSecret, wrapSecret } from '../../../main/keys/key-wrap';
import {
  createMachineScopeProtector,
  machineSecretFile,
  type MachineSealer,
} from '../../../main/keys/machine-scope-protector';
import { vaultIdOf, vaultPaths } from '../../../main/vault/vault-layout';
import { floorKdf, makeManager, randomKey, tempDir } from '../../support/vault-fixtures';

const AD = new TextEncoder().encode('stand-in');

/** One Windows account's keystore (safeStorage: DPAPI for that user). */
function accountKeystore(): DeviceProtector {
  const key = new Uint8Array(randomBytes(32));
  return {
    kind: 'os-keystore',
    protect: (data) => wrapSecret(data, key, AD),
    unprotect: (data) => unwrapSecret(data, key, AD),
  };
}

/** One computer's DPAPI at machine scope. */
function computerDpapi(): MachineSealer & { calls: number } {
  const key = new Uint8Array(randomBytes(32));
  const sealer = {
    calls: 0,
    seal: (data: Uint8Array) => {
      sealer.calls += 1;
      return wrapSecret(data, key, AD);
    },
    unseal: (data: Uint8Array) => {
      sealer.calls += 1;
      return unwrapSecret(data, key, AD);
    },
  };
  return sealer;
}

function setUp() {
  const dataDir = tempDir('wardline-machine-scope-');
  const dpapi = computerDpapi();
  const accounts = { nurse: accountKeystore(), doctor: accountKeystore() };
  const underAccount = (legacy: DeviceProtector, sealer: MachineSealer = dpapi) =>
    createMachineScopeProtector({ secretFile: machineSecretFile(dataDir), sealer, legacy });
  return { dataDir, dpapi, accounts, underAccount };
}

describe('the machine-scope device layer', () => {
  it('opens in every account what any account sealed, with the secret opened once per process', async () => {
    const { dpapi, accounts, underAccount } = setUp();
    const data = new Uint8Array([1, 2, 3, 4, 5]);
    const nurse = underAccount(accounts.nurse);
    const sealed = await nurse.protect(data);
    expect(await underAccount(accounts.doctor).unprotect(sealed)).toEqual(data);
    await nurse.protect(data);
    await nurse.unprotect(sealed);
    // Sealed once when made, then opened once by the doctor's process: never per call.
    expect(dpapi.calls).toBe(2);
  });

  it('never opens on another computer, even with the folder copied', async () => {
    const { accounts, underAccount } = setUp();
    await underAccount(accounts.nurse).open();
    const elsewhere = underAccount(accounts.nurse, computerDpapi());
    await expect(elsewhere.open()).rejects.toBeInstanceOf(DeviceProtectorError);
    await expect(elsewhere.protect(new Uint8Array([1]))).rejects.toMatchObject({ code: 'DEVICE_SECRET_CORRUPT' });
  });

  it('makes one secret when two accounts start at once, and keeps it', async () => {
    const { dataDir, accounts, underAccount } = setUp();
    const [nurse, doctor] = [underAccount(accounts.nurse), underAccount(accounts.doctor)];
    await Promise.all([nurse.open(), doctor.open()]);
    const first = readFileSync(machineSecretFile(dataDir));
    const sealed = await nurse.protect(new Uint8Array([9]));
    expect(await doctor.unprotect(sealed)).toEqual(new Uint8Array([9]));
    await underAccount(accounts.nurse).open();
    expect(readFileSync(machineSecretFile(dataDir))).toEqual(first);
  });

  it('still opens what the own account sealed before, and not what another account did', async () => {
    const { accounts, underAccount } = setUp();
    const old = await accounts.nurse.protect(new Uint8Array([7]));
    expect(await underAccount(accounts.nurse).unprotect(old)).toEqual(new Uint8Array([7]));
    expect(await underAccount(accounts.doctor).unprotect(old)).toBeNull();
  });

  it("reseals an older version's identity and vaults for every account, once the account that sealed them starts", async () => {
    const { dataDir, accounts, underAccount } = setUp();
    // What an older version left after the profile migration: the nurse account's identity and
    // one vault, and a vault from the doctor account.
    const before = await loadOrCreateDeviceIdentity({ dataDir, device: accounts.nurse, allowUnprotectedDevice: false });
    if (!before.ok) throw new Error(before.error);
    const [adams, okafor] = [randomKey(), randomKey()];
    for (const [userId, device, wrapKey] of [
      ['nurse.adams', accounts.nurse, adams],
      ['dr.okafor', accounts.doctor, okafor],
    ] as const) {
      const created = await makeManager({ dataDir, device }).manager.create(userId, wrapKey, floorKdf());
      if (!created.ok) throw new Error(created.error);
      await created.value.lock();
    }
    const [nurse, doctor] = [underAccount(accounts.nurse), underAccount(accounts.doctor)];
    const unlock = (device: DeviceProtector, userId: string, wrapKey: Uint8Array) =>
      makeManager({ dataDir, device })
        .manager.unlock(userId, wrapKey)
        .then(async (opened) => {
          if (opened.ok) await opened.value.lock();
          return opened.ok ? 'opened' : opened.error;
        });
    // Before: the doctor account cannot use the nurse account's identity or vault.
    expect(await loadOrCreateDeviceIdentity({ dataDir, device: doctor, allowUnprotectedDevice: false })).toEqual({
      ok: false,
      error: 'DEVICE_IDENTITY_UNREADABLE',
    });
    expect(await unlock(doctor, 'nurse.adams', adams)).toBe('WRONG_DEVICE');

    // The nurse account starts: what it sealed is resealed; the doctor account's vault waits.
    const adamsKeys = readFileSync(vaultPaths(dataDir, vaultIdOf('nurse.adams')).keyFile);
    expect(await resealForMachine(dataDir, nurse)).toEqual({ resealed: 2, waiting: 1, failed: 0 });
    const identity = await loadOrCreateDeviceIdentity({ dataDir, device: doctor, allowUnprotectedDevice: false });
    expect(identity).toMatchObject({
      ok: true,
      value: { deviceId: before.value.deviceId, publicKey: before.value.publicKey },
    });
    expect(await unlock(doctor, 'nurse.adams', adams)).toBe('opened');
    expect(await unlock(nurse, 'dr.okafor', okafor)).toBe('WRONG_DEVICE');
    // Only the device layer changed: the same header, password check and kdf.
    const [was, is] = [adamsKeys, readFileSync(vaultPaths(dataDir, vaultIdOf('nurse.adams')).keyFile)].map(
      (bytes) => JSON.parse(bytes.toString('utf8')) as Record<string, unknown>,
    );
    expect({ ...is, dataKey: null, checksum: null }).toEqual({ ...was, dataKey: null, checksum: null });
    expect(is?.dataKey).not.toEqual(was?.dataKey);

    // The doctor account starts: its vault too; then nothing is left to do.
    expect(await resealForMachine(dataDir, doctor)).toEqual({ resealed: 1, waiting: 0, failed: 0 });
    expect(await unlock(nurse, 'dr.okafor', okafor)).toBe('opened');
    expect(await resealForMachine(dataDir, nurse)).toEqual({ resealed: 0, waiting: 0, failed: 0 });
    expect(await resealForMachine(dataDir, doctor)).toEqual({ resealed: 0, waiting: 0, failed: 0 });
    // The password layer is untouched: the wrong clinician's key still opens nothing.
    expect(await unlock(doctor, 'dr.okafor', adams)).toBe('WRONG_PASSWORD');
  });

  it('leaves damaged, unsealed or foreign files exactly as they are', async () => {
    const { dataDir, accounts, underAccount } = setUp();
    const identity = await loadOrCreateDeviceIdentity({
      dataDir,
      device: accounts.doctor,
      allowUnprotectedDevice: false,
    });
    expect(identity.ok).toBe(true);
    mkdirSync(path.join(dataDir, 'vaults', 'c'.repeat(32)), { recursive: true });
    writeFileSync(path.join(dataDir, 'vaults', 'c'.repeat(32), 'keys.json'), 'not a key file');
    const file = deviceIdentityFile(dataDir);
    const original = readFileSync(file);
    expect(await resealForMachine(dataDir, underAccount(accounts.nurse))).toEqual({
      resealed: 0,
      waiting: 1,
      failed: 0,
    });
    expect(readFileSync(file)).toEqual(original);
    writeFileSync(file, original.subarray(0, 40));
    expect(await resealForMachine(dataDir, underAccount(accounts.doctor))).toEqual({
      resealed: 0,
      waiting: 0,
      failed: 0,
    });
    expect(readFileSync(file)).toEqual(original.subarray(0, 40));
  });
});
