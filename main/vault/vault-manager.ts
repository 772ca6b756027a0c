/**
 * Vault lifecycle on one workstation: create, unlock, lock and change password, with shredding,
 * listing and purging from vault-retention.ts. One vault per clinician; the per-clinician wrap key
 * is what separates clinicians who share one OS account on a ward PC.
 *
 * Failure rule: a vault that cannot be opened is reported with a typed code and left exactly as
 * it was on disk, for IT and for recovery. It is never recreated, replaced or opened without
 * encryption; history can be fetched again from the server into a new vault only after IT or the
 * user chooses to shred the broken one.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { Role } from '../../shared/access/permission-matrix';
import { AuditError } from '../audit/device-audit-log';
import { writeFileAtomic } from '../fs/atomic-file';
import { checkKdfParams, type KdfParams } from '../keys/kdf-params';
import { derivePasswordKeys, SALT_BYTES, zeroPasswordKeys } from '../keys/password-kdf';
import { openStore, type StoreClient } from '../store/store-client';
import { appCodeOfStoreError } from '../store/store-error';
import { keyFileHeader, openDataKey, readKeyFile, sealDataKey, sealingLayer } from './data-key-seal';
import { serializeKeyFile } from './key-file';
import {
  fail,
  isDiskFull,
  ok,
  type KdfDescriptor,
  type OpenVault,
  type VaultDeps,
  type VaultErrorCode,
  type VaultEvent,
  type VaultResult,
} from './vault-contract';
import { normalizeUserId, vaultIdOf, vaultPaths, type VaultPaths } from './vault-layout';
import { createVaultRetention } from './vault-retention';

export type { KdfDescriptor, OpenVault, VaultDeps, VaultErrorCode, VaultEvent, VaultResult } from './vault-contract';

const storeFailure = (error: unknown): VaultErrorCode => appCodeOfStoreError(error);

export function createVaultManager(deps: VaultDeps) {
  const open = new Map<string, OpenVault>();
  const retention = createVaultRetention(deps, open);

  function touch(paths: VaultPaths): void {
    try {
      writeFileAtomic(paths.metaFile, Buffer.from(JSON.stringify({ lastUsedAt: deps.now() })));
    } catch {
      // Last-use time only drives purging; failing to record it must not block the clinician.
    }
  }

  async function openWithDataKey(
    userId: string,
    paths: VaultPaths,
    vaultId: string,
    dataKey: Uint8Array,
    create: boolean,
  ) {
    let store: StoreClient;
    try {
      store = await openStore(paths.database, dataKey, { create });
    } finally {
      dataKey.fill(0);
    }
    const vault: OpenVault = {
      vaultId,
      userId,
      store,
      attachmentsDir: paths.attachments,
      async lock() {
        open.delete(vaultId);
        await store.close();
      },
    };
    open.set(vaultId, vault);
    touch(paths);
    return vault;
  }

  const manager = {
    /**
     * Creates a new vault for `userId` (of `role`), protected by `wrapKey` (derived from the
     * password with `kdf`).
     */
    async create(
      userId: string,
      wrapKey: Uint8Array,
      kdf: KdfDescriptor,
      role: Role | null = null,
    ): Promise<VaultResult<OpenVault>> {
      const params = checkKdfParams(kdf.params);
      if (!params.ok) return fail(params.error === 'KDF_TOO_WEAK' ? 'KDF_TOO_WEAK' : 'INTERNAL');
      const layer = sealingLayer(deps.device, deps.allowUnprotectedDevice);
      if (!layer.ok) return layer;
      const normalized = normalizeUserId(userId);
      const vaultId = vaultIdOf(normalized);
      const paths = vaultPaths(deps.dataDir, vaultId);
      if (existsSync(paths.keyFile) || existsSync(paths.database)) return fail('VAULT_EXISTS');

      // Recorded before the first file is written: a crash after the record at worst records a
      // creation twice (the next sign-in creates it again); one after the files but before a
      // record would leave a vault that is unlocked from then on and never recorded.
      const event: VaultEvent = { action: 'vault.created', vaultId, actor: { userId: normalized, role } };
      try {
        await deps.audit?.record(event);
      } catch (error) {
        return fail(
          error instanceof AuditError && error.code === 'AUDIT_DISK_FULL' ? 'DISK_FULL' : 'AUDIT_UNAVAILABLE',
        );
      }
      const failed = async (code: VaultErrorCode) => {
        await deps.audit?.note({ ...event, outcome: 'failure', reason: code });
        return fail(code);
      };

      const dataKey = deps.randomBytes(32);
      try {
        mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
        const header = keyFileHeader(
          { vaultId, userId: normalized, createdAt: deps.now(), sealedBy: layer.value },
          kdf.salt,
          params.value,
        );
        const content = await sealDataKey(deps.device, header, dataKey, wrapKey);
        // Key file first: a database without its key file would be unopenable junk.
        writeFileAtomic(paths.keyFile, serializeKeyFile(content));
      } catch (error) {
        dataKey.fill(0);
        rmSync(paths.dir, { recursive: true, force: true });
        return failed(isDiskFull(error) ? 'DISK_FULL' : 'INTERNAL');
      }
      try {
        return ok(await openWithDataKey(normalized, paths, vaultId, dataKey, true));
      } catch (error) {
        // Nothing of the clinician's is in a vault that never opened: remove the new files.
        rmSync(paths.dir, { recursive: true, force: true });
        return failed(storeFailure(error));
      }
    },

    /** The salt and cost the vault was created with, for deriving keys while offline. */
    readKdf(userId: string): VaultResult<KdfDescriptor> {
      const file = readKeyFile(vaultPaths(deps.dataDir, vaultIdOf(userId)));
      if (!file.ok) return file;
      const { kdf } = file.value.content;
      return ok({ salt: file.value.salt, params: { memoryMiB: kdf.memoryMiB, passes: kdf.passes } });
    },

    async unlock(userId: string, wrapKey: Uint8Array): Promise<VaultResult<OpenVault>> {
      const vaultId = vaultIdOf(userId);
      if (open.has(vaultId)) return fail('VAULT_IN_USE');
      const paths = vaultPaths(deps.dataDir, vaultId);
      const file = readKeyFile(paths);
      if (!file.ok) return file;
      if (!existsSync(paths.database)) return fail('VAULT_CORRUPT');
      const dataKey = await openDataKey(deps.device, file.value, wrapKey);
      if (!dataKey.ok) return dataKey;
      try {
        return ok(await openWithDataKey(file.value.content.userId, paths, vaultId, dataKey.value, false));
      } catch (error) {
        return fail(storeFailure(error));
      }
    },

    async createWithPassword(userId: string, password: string, params: KdfParams): Promise<VaultResult<OpenVault>> {
      const salt = deps.randomBytes(SALT_BYTES);
      const keys = await derivePasswordKeys(password, salt, params);
      try {
        return await manager.create(userId, keys.wrapKey, { salt, params });
      } finally {
        await zeroPasswordKeys(keys);
      }
    },

    async unlockWithPassword(userId: string, password: string): Promise<VaultResult<OpenVault>> {
      const kdf = manager.readKdf(userId);
      if (!kdf.ok) return kdf;
      const keys = await derivePasswordKeys(password, kdf.value.salt, kdf.value.params);
      try {
        return await manager.unlock(userId, keys.wrapKey);
      } finally {
        await zeroPasswordKeys(keys);
      }
    },

    /** Re-wraps the data key under a new wrap key; the database itself is untouched. */
    async changePassword(
      userId: string,
      oldWrapKey: Uint8Array,
      newWrapKey: Uint8Array,
      kdf: KdfDescriptor,
    ): Promise<VaultResult<null>> {
      const params = checkKdfParams(kdf.params);
      if (!params.ok) return fail(params.error === 'KDF_TOO_WEAK' ? 'KDF_TOO_WEAK' : 'INTERNAL');
      const paths = vaultPaths(deps.dataDir, vaultIdOf(userId));
      const file = readKeyFile(paths);
      if (!file.ok) return file;
      const dataKey = await openDataKey(deps.device, file.value, oldWrapKey);
      if (!dataKey.ok) return dataKey;
      try {
        const next = await sealDataKey(
          deps.device,
          keyFileHeader(file.value.content, kdf.salt, params.value),
          dataKey.value,
          newWrapKey,
        );
        writeFileAtomic(paths.keyFile, serializeKeyFile(next));
        return ok(null);
      } catch (error) {
        return fail(isDiskFull(error) ? 'DISK_FULL' : 'INTERNAL');
      } finally {
        dataKey.value.fill(0);
      }
    },

    async changePasswordWithPassword(
      userId: string,
      oldPassword: string,
      newPassword: string,
    ): Promise<VaultResult<null>> {
      const kdf = manager.readKdf(userId);
      if (!kdf.ok) return kdf;
      const oldKeys = await derivePasswordKeys(oldPassword, kdf.value.salt, kdf.value.params);
      const salt = deps.randomBytes(SALT_BYTES);
      const newKeys = await derivePasswordKeys(newPassword, salt, kdf.value.params);
      try {
        return await manager.changePassword(userId, oldKeys.wrapKey, newKeys.wrapKey, {
          salt,
          params: kdf.value.params,
        });
      } finally {
        await zeroPasswordKeys(oldKeys);
        await zeroPasswordKeys(newKeys);
      }
    },

    shred: retention.shred,
    list: retention.list,
    purgeUnused: retention.purgeUnused,

    /** Vault IDs this process holds open (the browser host reports these to tests). */
    openVaultIds(): string[] {
      return [...open.keys()];
    },

    async lockAll(): Promise<void> {
      await Promise.all([...open.values()].map((vault) => vault.lock()));
    },
  };
  return manager;
}

export type VaultManager = ReturnType<typeof createVaultManager>;
