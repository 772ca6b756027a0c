/** Real vaults in temporary folders for tests: the real store worker, SQLCipher file and key file. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createMachineFileProtector } from '../../main/keys/device-protector';
import { KDF_FLOOR } from '../../main/keys/kdf-params';
import { createVaultManager, type VaultDeps } from '../../main/vault/vault-manager';

export function tempDir(prefix = 'wardline-vault-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function makeManager(overrides: Partial<VaultDeps> = {}) {
  const dataDir = overrides.dataDir ?? tempDir();
  const deps: VaultDeps = {
    dataDir,
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
    now: Date.now,
    randomBytes: (length) => new Uint8Array(randomBytes(length)),
    ...overrides,
  };
  return { deps, manager: createVaultManager(deps) };
}

export const floorKdf = () => ({ salt: new Uint8Array(randomBytes(16)), params: KDF_FLOOR });
export const randomKey = () => new Uint8Array(randomBytes(32));

/** SHA-256 of each file, to prove a failure left them untouched. */
export function fingerprint(files: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    files.map((file) => {
      try {
        return [file, createHash('sha256').update(readFileSync(file)).digest('hex')];
      } catch {
        return [file, 'absent'];
      }
    }),
  );
}
