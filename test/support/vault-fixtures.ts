/** Real vaults in temporary folders for tests: the real store worker, SQLCipher file and key file. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createMachineFileProtector } from '../../main/keys/device-protector';
import { KDF_FLOOR } from '../../main/keys/kdf-params';
import type { MessageInput } from '../../main/store/store-ops';
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

export function message(i: number, overrides: Partial<MessageInput> = {}): MessageInput {
  return {
    id: `msg-${String(i).padStart(6, '0')}`,
    conversationId: 'conv-1',
    senderId: 'dr.okafor',
    sentAt: 1_700_000_000_000 + i,
    receivedAt: 1_700_000_000_500 + i,
    priority: 'routine',
    expiresAt: null,
    envelope: new Uint8Array([1, 2, 3, i % 256]),
    body: `Patient Bartholomew Quigley bed ${String(i)} potassium 5.9 recheck`,
    ...overrides,
  };
}

export const conversation = {
  id: 'conv-1',
  kind: 'direct' as const,
  title: null,
  patientRef: 'MRN-00424242',
  createdAt: 1_700_000_000_000,
  participants: [
    { userId: 'nurse.adams', displayName: 'Philippa Adams', role: 'nurse', department: 'Cardiology' },
    { userId: 'dr.okafor', displayName: 'Chidinma Okafor', role: 'physician', department: 'Cardiology' },
  ],
};

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
