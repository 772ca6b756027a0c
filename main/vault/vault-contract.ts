/**
 * What the vault modules promise their callers and need from them: the typed failure codes, the
 * audit events a vault change records, the dependencies, and an open vault. Kept apart from the
 * lifecycle so the key-file, lifecycle and retention modules can share it without importing one
 * another.
 */
import type { Role } from '../../shared/access/permission-matrix';
import type { ErrorCode } from '../../shared/errors';
import type { DeviceProtector } from '../keys/device-protector';
import type { KdfParams } from '../keys/kdf-params';
import type { StoreClient } from '../store/store-client';
import { err, ok as okResult, type Result } from '../../shared/result';

export type VaultErrorCode = Extract<
  ErrorCode,
  | 'WRONG_PASSWORD'
  | 'WRONG_DEVICE'
  | 'VAULT_NOT_FOUND'
  | 'VAULT_EXISTS'
  | 'VAULT_LOCKED'
  | 'VAULT_IN_USE'
  | 'VAULT_CORRUPT'
  | 'VAULT_TOO_NEW'
  | 'KEY_FILE_MISSING'
  | 'KEY_FILE_CORRUPT'
  | 'KEY_FILE_TAMPERED'
  | 'KDF_TOO_WEAK'
  | 'DEVICE_PROTECTION_UNAVAILABLE'
  | 'DISK_FULL'
  | 'AUDIT_UNAVAILABLE'
  | 'INTERNAL'
>;

export type VaultResult<T> = Result<T, VaultErrorCode>;

export const ok = <T>(value: T): VaultResult<T> => okResult(value);
export const fail = (error: VaultErrorCode): VaultResult<never> => err(error);

export function isDiskFull(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOSPC';
}

export interface KdfDescriptor {
  readonly salt: Uint8Array;
  readonly params: KdfParams;
}

export interface VaultDeps {
  readonly dataDir: string;
  /** This machine's protector, or null where the OS offers none. */
  readonly device: DeviceProtector | null;
  /** Policy: whether a vault may be created with no device layer when `device` is null. */
  readonly allowUnprotectedDevice: boolean;
  readonly now: () => number;
  /** Source of key material; injected so tests can check every key buffer is wiped. */
  readonly randomBytes: (length: number) => Uint8Array;
  /**
   * The audit trail, told of every vault created, shredded or purged before the change is made.
   * `record` is durable when it resolves and rejects if it cannot be: a vault is then not created.
   * `note` never rejects: shredding protects the clinician's data, so it happens either way.
   */
  readonly audit?: { record(event: VaultEvent): Promise<void>; note(event: VaultEvent): Promise<void> };
}

export interface VaultEvent {
  readonly action: 'vault.created' | 'vault.shredded' | 'vault.purged';
  readonly vaultId: string;
  /**
   * Who asked, when the caller says (the clinician signing in, IT shredding; no one for a purge
   * by policy, which the workstation does by itself); otherwise the vault's owner from its key
   * file, the one person the event can be tied to (the vault id is a one-way hash of the user
   * id). Role null when not known.
   */
  readonly actor: { readonly userId: string | null; readonly role: Role | null };
  /** A failure record follows the first when the change then could not be made. */
  readonly outcome?: 'failure';
  /** Why: a failure's code, VAULT_UNUSED for a purge by policy, REMOTE_WIPE for IT's wipe. */
  readonly reason?: VaultErrorCode | 'VAULT_UNUSED' | 'REMOTE_WIPE';
}

export interface OpenVault {
  readonly vaultId: string;
  readonly userId: string;
  readonly store: StoreClient;
  /** Where its attachments' encrypted files are (attachment-files.ts). */
  readonly attachmentsDir: string;
  /** Closes the database and ends its worker; the data key exists only inside that worker. */
  lock(): Promise<void>;
}

export interface VaultListing {
  readonly vaultId: string;
  readonly userId: string | null;
  readonly createdAt: number | null;
  readonly lastUsedAt: number | null;
  readonly sizeBytes: number;
  /** False when the key file is missing or damaged: the vault is kept for IT. */
  readonly readable: boolean;
}
