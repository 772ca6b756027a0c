/**
 * Where a clinician's vault lives on this workstation: `<dataDir>/vaults/<vaultId>/`. The folder
 * name is a hash of the user ID, so the tree does not list who uses the machine.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

export interface VaultPaths {
  readonly dir: string;
  readonly database: string;
  readonly keyFile: string;
  readonly metaFile: string;
  /** Attachments' ciphertext, one file each (main/attachments/attachment-files.ts). */
  readonly attachments: string;
}

export function normalizeUserId(userId: string): string {
  return userId.trim().normalize('NFKC').toLowerCase();
}

export function vaultIdOf(userId: string): string {
  return createHash('sha256')
    .update(`wardline/v1/vault-id\0${normalizeUserId(userId)}`)
    .digest('hex')
    .slice(0, 32);
}

export function vaultsRoot(dataDir: string): string {
  return path.join(dataDir, 'vaults');
}

export function vaultPaths(dataDir: string, vaultId: string): VaultPaths {
  const dir = path.join(vaultsRoot(dataDir), vaultId);
  return {
    dir,
    database: path.join(dir, 'vault.db'),
    keyFile: path.join(dir, 'keys.json'),
    metaFile: path.join(dir, 'meta.json'),
    attachments: path.join(dir, 'attachments'),
  };
}

/** Every file SQLite may keep beside the database. */
export function databaseFiles(paths: VaultPaths): string[] {
  return [paths.database, `${paths.database}-wal`, `${paths.database}-shm`, `${paths.database}-journal`];
}
