import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DeviceIdentityClosedError,
  deviceIdentityFile,
  loadOrCreateDeviceIdentity,
  type DeviceIdentity,
  type DeviceIdentityOptions,
} from '../../../main/device/device-identity';
import {
  parseDeviceIdentityFile,
  serializeDeviceIdentityFile,
  type DeviceIdentityFileContent,
} from '../../../main/device/device-identity-file';
import { loginProof, refreshProof } from '../../../main/device/device-proof';
import { createMachineFileProtector, type DeviceProtector } from '../../../main/keys/device-protector';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import { loginProofBytes, refreshProofBytes } from '../../../shared/protocol/auth';

const posix = process.platform !== 'win32';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let sodium: Sodium;

beforeAll(async () => {
  sodium = await loadSodium();
});

function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'wardline-device-identity-'));
}

/** Options as the app builds them: the machine-file protector beside the identity. */
function machineOptions(dataDir = tempDataDir()): DeviceIdentityOptions {
  return {
    dataDir,
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
  };
}

async function created(options: DeviceIdentityOptions): Promise<DeviceIdentity> {
  const result = await loadOrCreateDeviceIdentity(options);
  if (!result.ok) throw new Error(`expected an identity, got ${result.error}`);
  return result.value;
}

const verifies = (identity: DeviceIdentity, signature: Uint8Array, message: Uint8Array) =>
  sodium.crypto_sign_verify_detached(signature, message, Buffer.from(identity.publicKey, 'base64'));

/** Rewrites the file with a changed field and a fresh checksum: a deliberate, well-formed edit. */
function rewrite(file: string, change: (content: DeviceIdentityFileContent) => DeviceIdentityFileContent): void {
  const content = parseDeviceIdentityFile(readFileSync(file));
  if (content === null) throw new Error('fixture file did not parse');
  writeFileSync(file, serializeDeviceIdentityFile(change(content)));
}

/** A fake OS keystore: reversible, kind 'os-keystore'. */
const fakeKeystore: DeviceProtector = {
  kind: 'os-keystore',
  protect: (data) => Promise.resolve(Uint8Array.from([0x4b, ...data.map((byte) => byte ^ 0x5a)])),
  unprotect: (data) => Promise.resolve(data[0] === 0x4b ? data.subarray(1).map((byte) => byte ^ 0x5a) : null),
};

describe('device identity', () => {
  it('is created once and reloads with the same id and key', async () => {
    const options = machineOptions();
    const first = await created(options);
    expect(first.deviceId).toMatch(UUID_V4);
    expect(first.protection).toBe('machine-file');
    const message = new TextEncoder().encode('audit batch 1');
    const signature = await first.sign(message);
    first.close();

    const second = await created(machineOptions(options.dataDir));
    expect(second.deviceId).toBe(first.deviceId);
    expect(second.publicKey).toBe(first.publicKey);
    expect(verifies(second, signature, message)).toBe(true);
    expect(verifies(second, await second.sign(message), message)).toBe(true);
  });

  it('gives each workstation profile its own id and key', async () => {
    const [a, b] = await Promise.all([created(machineOptions()), created(machineOptions())]);
    expect(a.deviceId).not.toBe(b.deviceId);
    expect(a.publicKey).not.toBe(b.publicKey);
  });

  it.runIf(posix)('keeps the file at mode 0600 in a 0700 folder, with no staging file left behind', async () => {
    const options = machineOptions();
    await created(options);
    const file = deviceIdentityFile(options.dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readdirSync(path.dirname(file)).sort()).toEqual(['device-identity.json', 'device-secret']);
  });

  /** Whether any 32 bytes of the stored secret are the seed of the identity's key. */
  function seedReadableFromFile(dataDir: string, identity: DeviceIdentity): boolean {
    const content = parseDeviceIdentityFile(readFileSync(deviceIdentityFile(dataDir)))!;
    const secret = Buffer.from(content.secret, 'base64');
    for (let at = 0; at + 32 <= secret.length; at++) {
      const guess = sodium.crypto_sign_seed_keypair(secret.subarray(at, at + 32));
      if (Buffer.from(guess.publicKey).toString('base64') === identity.publicKey) return true;
    }
    return false;
  }

  it('seals the seed: with a protector the file does not hold it (and without one, the same search finds it)', async () => {
    const options = machineOptions();
    expect(seedReadableFromFile(options.dataDir, await created(options))).toBe(false);
    const unprotected = { dataDir: tempDataDir(), device: null, allowUnprotectedDevice: true };
    expect(seedReadableFromFile(unprotected.dataDir, await created(unprotected))).toBe(true);
  });

  it('signs proofs that verify against its public key', async () => {
    const identity = await created(machineOptions());
    const now = 1_760_000_000_000;
    const login = await loginProof(identity, 'nurse.adams', now);
    expect(login.deviceId).toBe(identity.deviceId);
    expect(
      verifies(
        identity,
        Buffer.from(login.signature, 'base64'),
        loginProofBytes({ userId: 'nurse.adams', deviceId: identity.deviceId, timestamp: now }),
      ),
    ).toBe(true);
    const sessionId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const refresh = await refreshProof(identity, sessionId, now);
    expect(
      verifies(
        identity,
        Buffer.from(refresh.signature, 'base64'),
        refreshProofBytes({ sessionId, deviceId: identity.deviceId, timestamp: now }),
      ),
    ).toBe(true);
  });

  it('cannot sign once closed', async () => {
    const identity = await created(machineOptions());
    identity.close();
    await expect(identity.sign(new Uint8Array([1]))).rejects.toBeInstanceOf(DeviceIdentityClosedError);
  });

  it('ends up with one identity when several processes create it at once', async () => {
    const dataDir = tempDataDir();
    const identities = await Promise.all(Array.from({ length: 8 }, () => created(machineOptions(dataDir))));
    expect(new Set(identities.map((identity) => identity.deviceId)).size).toBe(1);
    expect(new Set(identities.map((identity) => identity.publicKey)).size).toBe(1);
    expect(readdirSync(path.join(dataDir, 'machine')).sort()).toEqual(['device-identity.json', 'device-secret']);
  });

  describe('protection policy', () => {
    it('refuses to create an identity without a protector unless policy allows it, and writes nothing', async () => {
      const dataDir = tempDataDir();
      expect(await loadOrCreateDeviceIdentity({ dataDir, device: null, allowUnprotectedDevice: false })).toEqual({
        ok: false,
        error: 'DEVICE_PROTECTION_UNAVAILABLE',
      });
      expect(() => statSync(deviceIdentityFile(dataDir))).toThrow();
    });

    it('stores it unprotected only where policy allows, and then only loads it while there is still no protector', async () => {
      const dataDir = tempDataDir();
      const unprotected = { dataDir, device: null, allowUnprotectedDevice: true };
      const identity = await created(unprotected);
      expect(identity.protection).toBe('none');
      expect((await created(unprotected)).deviceId).toBe(identity.deviceId);
      const file = deviceIdentityFile(dataDir);
      const before = readFileSync(file);
      // A planted unprotected file must not be accepted on a machine that can protect keys.
      expect(await loadOrCreateDeviceIdentity(machineOptions(dataDir))).toEqual({
        ok: false,
        error: 'DEVICE_IDENTITY_UNPROTECTED',
      });
      expect(await loadOrCreateDeviceIdentity({ ...unprotected, allowUnprotectedDevice: false })).toEqual({
        ok: false,
        error: 'DEVICE_PROTECTION_UNAVAILABLE',
      });
      expect(readFileSync(file).equals(before)).toBe(true);
    });

    it('refuses a device id edited in an unprotected file', async () => {
      const dataDir = tempDataDir();
      const unprotected = { dataDir, device: null, allowUnprotectedDevice: true };
      await created(unprotected);
      rewrite(deviceIdentityFile(dataDir), (content) => ({
        ...content,
        deviceId: '00000000-0000-4000-8000-000000000000',
      }));
      expect(await loadOrCreateDeviceIdentity(unprotected)).toEqual({ ok: false, error: 'DEVICE_IDENTITY_TAMPERED' });
    });

    it('uses an OS keystore protector when given one, and cannot be opened by another kind', async () => {
      const dataDir = tempDataDir();
      const identity = await created({ dataDir, device: fakeKeystore, allowUnprotectedDevice: false });
      expect(identity.protection).toBe('os-keystore');
      expect((await created({ dataDir, device: fakeKeystore, allowUnprotectedDevice: false })).deviceId).toBe(
        identity.deviceId,
      );
      expect(await loadOrCreateDeviceIdentity(machineOptions(dataDir))).toEqual({
        ok: false,
        error: 'DEVICE_IDENTITY_UNREADABLE',
      });
      expect(await loadOrCreateDeviceIdentity({ dataDir, device: null, allowUnprotectedDevice: true })).toEqual({
        ok: false,
        error: 'DEVICE_IDENTITY_UNREADABLE',
      });
    });

    it('reports a protector that fails while creating, and writes nothing', async () => {
      const dataDir = tempDataDir();
      const broken: DeviceProtector = {
        kind: 'os-keystore',
        protect: () => Promise.reject(new Error('keystore locked')),
        unprotect: () => Promise.resolve(null),
      };
      expect(await loadOrCreateDeviceIdentity({ dataDir, device: broken, allowUnprotectedDevice: false })).toEqual({
        ok: false,
        error: 'DEVICE_PROTECTION_UNAVAILABLE',
      });
      expect(() => statSync(deviceIdentityFile(dataDir))).toThrow();
    });
  });

  describe('a damaged or altered file is reported, never replaced', () => {
    type Damage = (file: string, dataDir: string) => void;
    const cases: [string, Damage, string][] = [
      ['truncated', (file) => writeFileSync(file, readFileSync(file).subarray(0, 100)), 'DEVICE_IDENTITY_CORRUPT'],
      ['empty', (file) => writeFileSync(file, ''), 'DEVICE_IDENTITY_CORRUPT'],
      ['not JSON', (file) => writeFileSync(file, Buffer.from([0xff, 0x00, 0x13])), 'DEVICE_IDENTITY_CORRUPT'],
      [
        'edited without fixing the checksum',
        (file) =>
          writeFileSync(
            file,
            readFileSync(file, 'utf8').replace(
              /"deviceId": "(.)/,
              (_m, first: string) => `"deviceId": "${first === '0' ? '1' : '0'}`,
            ),
          ),
        'DEVICE_IDENTITY_CORRUPT',
      ],
      [
        'oversized',
        (file) => writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.alloc(20_000, 0x20)])),
        'DEVICE_IDENTITY_CORRUPT',
      ],
      [
        'a different public key',
        (file) =>
          rewrite(file, (content) => ({
            ...content,
            publicKey: Buffer.from(sodium.crypto_sign_keypair().publicKey).toString('base64'),
          })),
        'DEVICE_IDENTITY_TAMPERED',
      ],
      [
        'a different device id',
        (file) => rewrite(file, (content) => ({ ...content, deviceId: '00000000-0000-4000-8000-000000000000' })),
        'DEVICE_IDENTITY_TAMPERED',
      ],
      [
        'a changed sealed key',
        (file) =>
          rewrite(file, (content) => {
            const secret = Buffer.from(content.secret, 'base64');
            secret[secret.length - 1]! ^= 1;
            return { ...content, secret: secret.toString('base64') };
          }),
        'DEVICE_IDENTITY_UNREADABLE',
      ],
      [
        'a claimed OS keystore',
        (file) => rewrite(file, (content) => ({ ...content, sealedBy: 'os-keystore' })),
        'DEVICE_IDENTITY_UNREADABLE',
      ],
      [
        'a claim of no protection',
        (file) => rewrite(file, (content) => ({ ...content, sealedBy: 'none' })),
        'DEVICE_IDENTITY_UNPROTECTED',
      ],
      [
        "the machine's secret missing (a profile copied to another machine)",
        (_file, dataDir) => rmSync(path.join(dataDir, 'machine', 'device-secret')),
        'DEVICE_IDENTITY_UNREADABLE',
      ],
      [
        "the machine's secret damaged",
        (_file, dataDir) => writeFileSync(path.join(dataDir, 'machine', 'device-secret'), Buffer.alloc(5)),
        'DEVICE_IDENTITY_UNREADABLE',
      ],
    ];

    it.each(cases)('%s', async (_label, damage, code) => {
      const options = machineOptions();
      await created(options);
      const file = deviceIdentityFile(options.dataDir);
      damage(file, options.dataDir);
      const before = readFileSync(file);
      expect(await loadOrCreateDeviceIdentity(options)).toEqual({ ok: false, error: code });
      // Asked again, the answer is the same: nothing was repaired or recreated in between.
      expect(await loadOrCreateDeviceIdentity(machineOptions(options.dataDir))).toEqual({ ok: false, error: code });
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(readdirSync(path.dirname(file)).filter((name) => name.startsWith('device-identity'))).toEqual([
        'device-identity.json',
      ]);
    });

    it.runIf(posix)('a dangling link in its place: reported once, not followed into a loop, left alone', async () => {
      const options = machineOptions();
      const file = deviceIdentityFile(options.dataDir);
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      symlinkSync(path.join(options.dataDir, 'nowhere'), file);
      expect(await loadOrCreateDeviceIdentity(options)).toEqual({ ok: false, error: 'DEVICE_IDENTITY_UNREADABLE' });
      expect(() => statSync(path.join(options.dataDir, 'nowhere'))).toThrow();
    });

    it.runIf(posix)('a folder that cannot be made: DEVICE_IDENTITY_WRITE_FAILED', async () => {
      const dataDir = tempDataDir();
      symlinkSync(path.join(dataDir, 'nowhere'), path.join(dataDir, 'machine'));
      const result = await loadOrCreateDeviceIdentity({ dataDir, device: null, allowUnprotectedDevice: true });
      expect(result).toEqual({ ok: false, error: 'DEVICE_IDENTITY_WRITE_FAILED' });
    });

    it('a directory where the file should be: DEVICE_IDENTITY_UNREADABLE', async () => {
      const options = machineOptions();
      mkdirSync(deviceIdentityFile(options.dataDir), { recursive: true });
      expect(await loadOrCreateDeviceIdentity(options)).toEqual({ ok: false, error: 'DEVICE_IDENTITY_UNREADABLE' });
    });
  });
});
