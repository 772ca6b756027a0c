/**
 * Vault lifecycle on one workstation: create, unlock, lock, change password, crypto-shred, list
 * and purge. One vault per clinician; the per-clinician wrap key is what separates clinicians
 * who share one OS account on a ward PC.
 *
 * Failure rule: a vault that cannot be opened is reported with a typed code and left exactly as
 * it was on disk, for IT and for recovery. It is never recreated, replaced or opened without
 * encryption; history can be fetched again from the server into a new vault only after IT or the
 * user chooses to shred the broken one.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import type { Role } from '../../shared/access/permission-matrix';
import type { ErrorCode } from '../../shared/errors';
import { AuditError } from '../audit/device-audit-log';
import { destroyFile, writeFileAtomic } from '../fs/atomic-file';
import type { DeviceProtector } from '../keys/device-protector';
import { checkKdfParams, type KdfParams } from '../keys/kdf-params';
import { unwrapSecret, wrapSecret } from '../keys/key-wrap';
import { derivePasswordKeys, SALT_BYTES, zeroPasswordKeys } from '../keys/password-kdf';
import { openStore, type StoreClient } from '../store/store-client';
import { appCodeOfStoreError } from '../store/store-error';
import {
  headerAssociatedData,
  KEY_FILE_FORMAT,
  KEY_FILE_VERSION,
  parseKeyFile,
  passwordCheckOf,
  serializeKeyFile,
  type KeyFileContent,
} from './key-file';
import { databaseFiles, normalizeUserId, vaultIdOf, vaultPaths, vaultsRoot, type VaultPaths } from './vault-layout';

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

export type VaultResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: VaultErrorCode };

const ok = <T>(value: T): VaultResult<T> => ({ ok: true, value });
const fail = (error: VaultErrorCode): VaultResult<never> => ({ ok: false, error });

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
  /** Why: a failure's code, or VAULT_UNUSED for a purge by policy. */
  readonly reason?: VaultErrorCode | 'VAULT_UNUSED';
}

export interface OpenVault {
  readonly vaultId: string;
  readonly userId: string;
  readonly store: StoreClient;
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

const storeFailure = (error: unknown): VaultErrorCode => appCodeOfStoreError(error);

function isDiskFull(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOSPC';
}

/** A purge by policy: the workstation's own doing, no person's. */
const BY_POLICY: VaultEvent['actor'] = { userId: null, role: null };

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

export function createVaultManager(deps: VaultDeps) {
  const open = new Map<string, OpenVault>();

  function readKeyFile(paths: VaultPaths): VaultResult<KeyFileContent> {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(paths.keyFile);
    } catch {
      return fail(existsSync(paths.database) ? 'KEY_FILE_MISSING' : 'VAULT_NOT_FOUND');
    }
    const content = parseKeyFile(bytes);
    if (content === null) return fail('KEY_FILE_CORRUPT');
    const kdf = checkKdfParams({ memoryMiB: content.kdf.memoryMiB, passes: content.kdf.passes });
    if (!kdf.ok) return fail(kdf.error === 'KDF_TOO_WEAK' ? 'KDF_TOO_WEAK' : 'KEY_FILE_CORRUPT');
    if (unb64(content.kdf.salt).length !== SALT_BYTES) return fail('KEY_FILE_CORRUPT');
    return ok(content);
  }

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
      async lock() {
        open.delete(vaultId);
        await store.close();
      },
    };
    open.set(vaultId, vault);
    touch(paths);
    return vault;
  }

  /** Unwraps the data key: device layer first (WRONG_DEVICE), then the password layer. */
  async function unwrapDataKey(content: KeyFileContent, wrapKey: Uint8Array): Promise<VaultResult<Uint8Array>> {
    const check = passwordCheckOf(wrapKey, content.vaultId);
    const stored = unb64(content.passwordCheck);
    if (stored.length !== check.length || !timingSafeEqual(stored, check)) return fail('WRONG_PASSWORD');
    let sealed: Uint8Array = unb64(content.dataKey);
    if (content.sealedBy !== 'none') {
      if (deps.device === null || deps.device.kind !== content.sealedBy) return fail('WRONG_DEVICE');
      let inner: Uint8Array | null;
      try {
        inner = await deps.device.unprotect(sealed);
      } catch {
        // The machine's own secret is unreadable: this machine cannot open the vault, and the
        // vault's files stay exactly as they are.
        inner = null;
      }
      if (inner === null) return fail('WRONG_DEVICE');
      sealed = inner;
    }
    const dataKey = await unwrapSecret(sealed, wrapKey, headerAssociatedData(content));
    sealed.fill(0);
    return dataKey === null || dataKey.length !== 32 ? fail('KEY_FILE_TAMPERED') : ok(dataKey);
  }

  /** Seals a data key into key-file content for `wrapKey`. */
  async function sealContent(
    base: Omit<KeyFileContent, 'passwordCheck' | 'dataKey'>,
    dataKey: Uint8Array,
    wrapKey: Uint8Array,
  ): Promise<KeyFileContent> {
    let sealed = await wrapSecret(dataKey, wrapKey, headerAssociatedData(base));
    if (base.sealedBy !== 'none' && deps.device !== null) {
      const outer = await deps.device.protect(sealed);
      sealed.fill(0);
      sealed = outer;
    }
    return { ...base, passwordCheck: b64(passwordCheckOf(wrapKey, base.vaultId)), dataKey: b64(sealed) };
  }

  function sealingLayer(): VaultResult<KeyFileContent['sealedBy']> {
    if (deps.device !== null) return ok(deps.device.kind);
    return deps.allowUnprotectedDevice ? ok('none') : fail('DEVICE_PROTECTION_UNAVAILABLE');
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
      const layer = sealingLayer();
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
        const content = await sealContent(
          {
            format: KEY_FILE_FORMAT,
            version: KEY_FILE_VERSION,
            vaultId,
            userId: normalized,
            createdAt: deps.now(),
            kdf: {
              algorithm: 'argon2id13',
              memoryMiB: params.value.memoryMiB,
              passes: params.value.passes,
              salt: b64(kdf.salt),
            },
            sealedBy: layer.value,
          },
          dataKey,
          wrapKey,
        );
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
      const content = readKeyFile(vaultPaths(deps.dataDir, vaultIdOf(userId)));
      if (!content.ok) return content;
      return ok({
        salt: unb64(content.value.kdf.salt),
        params: { memoryMiB: content.value.kdf.memoryMiB, passes: content.value.kdf.passes },
      });
    },

    async unlock(userId: string, wrapKey: Uint8Array): Promise<VaultResult<OpenVault>> {
      const vaultId = vaultIdOf(userId);
      if (open.has(vaultId)) return fail('VAULT_IN_USE');
      const paths = vaultPaths(deps.dataDir, vaultId);
      const content = readKeyFile(paths);
      if (!content.ok) return content;
      if (!existsSync(paths.database)) return fail('VAULT_CORRUPT');
      const dataKey = await unwrapDataKey(content.value, wrapKey);
      if (!dataKey.ok) return dataKey;
      try {
        return ok(await openWithDataKey(content.value.userId, paths, vaultId, dataKey.value, false));
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
      const content = readKeyFile(paths);
      if (!content.ok) return content;
      const dataKey = await unwrapDataKey(content.value, oldWrapKey);
      if (!dataKey.ok) return dataKey;
      try {
        const next = await sealContent(
          {
            format: KEY_FILE_FORMAT,
            version: KEY_FILE_VERSION,
            vaultId: content.value.vaultId,
            userId: content.value.userId,
            createdAt: content.value.createdAt,
            kdf: {
              algorithm: 'argon2id13',
              memoryMiB: params.value.memoryMiB,
              passes: params.value.passes,
              salt: b64(kdf.salt),
            },
            sealedBy: content.value.sealedBy,
          },
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

    /**
     * Crypto-shred: the wrapped key is destroyed first, and from that moment the database is
     * unreadable ciphertext; then the database files and the folder go. `by`: who asked, when
     * known (see VaultEvent).
     */
    async shred(
      vaultId: string,
      why: 'vault.shredded' | 'vault.purged' = 'vault.shredded',
      by: VaultEvent['actor'] | null = null,
    ): Promise<VaultResult<null>> {
      if (!/^[0-9a-f]{32}$/.test(vaultId)) return fail('VAULT_NOT_FOUND');
      await open.get(vaultId)?.lock();
      const paths = vaultPaths(deps.dataDir, vaultId);
      if (!existsSync(paths.dir)) return fail('VAULT_NOT_FOUND');
      // The owner is read before the key file that names them is destroyed.
      const content = readKeyFile(paths);
      const event: VaultEvent = {
        action: why,
        vaultId,
        actor: by ?? { userId: content.ok ? content.value.userId : null, role: null },
        ...(why === 'vault.purged' ? { reason: 'VAULT_UNUSED' as const } : {}),
      };
      // Noted (awaited) before the key is destroyed, as a creation is: shredding protects data, so
      // it goes ahead even if the note cannot be written (the note's own failure is logged).
      await deps.audit?.note(event);
      try {
        destroyFile(paths.keyFile);
        for (const file of databaseFiles(paths)) rmSync(file, { force: true });
        rmSync(paths.dir, { recursive: true, force: true });
      } catch {
        await deps.audit?.note({ ...event, outcome: 'failure', reason: 'INTERNAL' });
        return fail('INTERNAL');
      }
      return ok(null);
    },

    list(): VaultListing[] {
      const root = vaultsRoot(deps.dataDir);
      if (!existsSync(root)) return [];
      return readdirSync(root)
        .filter((name) => /^[0-9a-f]{32}$/.test(name))
        .map((vaultId) => {
          const paths = vaultPaths(deps.dataDir, vaultId);
          const content = readKeyFile(paths);
          let lastUsedAt: number | null = null;
          try {
            const meta = JSON.parse(readFileSync(paths.metaFile, 'utf8')) as { lastUsedAt?: unknown };
            if (typeof meta.lastUsedAt === 'number') lastUsedAt = meta.lastUsedAt;
          } catch {
            lastUsedAt = null;
          }
          const sizeBytes = databaseFiles(paths).reduce((sum, file) => {
            try {
              return sum + statSync(file).size;
            } catch {
              return sum;
            }
          }, 0);
          return {
            vaultId,
            userId: content.ok ? content.value.userId : null,
            createdAt: content.ok ? content.value.createdAt : null,
            lastUsedAt: lastUsedAt ?? (content.ok ? content.value.createdAt : null),
            sizeBytes,
            readable: content.ok,
          };
        });
    },

    /**
     * Shreds readable vaults not unlocked for `maxIdleDays` (policy). Vaults that cannot be read
     * are kept for IT, and open ones are never touched. No one asked: the records name no actor.
     */
    async purgeUnused(maxIdleDays: number): Promise<string[]> {
      const cutoff = deps.now() - maxIdleDays * 86_400_000;
      const purged: string[] = [];
      for (const listing of manager.list()) {
        if (
          !listing.readable ||
          open.has(listing.vaultId) ||
          listing.lastUsedAt === null ||
          listing.lastUsedAt >= cutoff
        )
          continue;
        if ((await manager.shred(listing.vaultId, 'vault.purged', BY_POLICY)).ok) purged.push(listing.vaultId);
      }
      return purged;
    },

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
