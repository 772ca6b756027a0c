/**
 * How vaults leave a workstation: crypto-shredding one (the key file destroyed first, so the
 * database is unreadable from that moment), listing what is here for IT, and purging vaults
 * unused past the policy's limit. Vaults that cannot be read are kept for IT, and open ones are
 * never purged.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { destroyFile } from '../fs/atomic-file';
import { readKeyFile } from './data-key-seal';
import {
  fail,
  ok,
  type OpenVault,
  type VaultDeps,
  type VaultEvent,
  type VaultListing,
  type VaultResult,
} from './vault-contract';
import { databaseFiles, vaultPaths, vaultsRoot } from './vault-layout';

/** A purge by policy: the workstation's own doing, no person's. */
const BY_POLICY: VaultEvent['actor'] = { userId: null, role: null };

const VAULT_ID = /^[0-9a-f]{32}$/;

export function createVaultRetention(
  deps: Pick<VaultDeps, 'dataDir' | 'now' | 'audit'>,
  open: ReadonlyMap<string, OpenVault>,
) {
  /**
   * Crypto-shred: the wrapped key is destroyed first, and from that moment the database is
   * unreadable ciphertext; then the database files and the folder go. `by`: who asked, when
   * known (see VaultEvent); `reason`: IT's remote wipe, when it was.
   */
  async function shred(
    vaultId: string,
    why: 'vault.shredded' | 'vault.purged' = 'vault.shredded',
    by: VaultEvent['actor'] | null = null,
    reason: 'REMOTE_WIPE' | null = null,
  ): Promise<VaultResult<null>> {
    if (!VAULT_ID.test(vaultId)) return fail('VAULT_NOT_FOUND');
    await open.get(vaultId)?.lock();
    const paths = vaultPaths(deps.dataDir, vaultId);
    if (!existsSync(paths.dir)) return fail('VAULT_NOT_FOUND');
    // The owner is read before the key file that names them is destroyed.
    const file = readKeyFile(paths);
    const event: VaultEvent = {
      action: why,
      vaultId,
      actor: by ?? { userId: file.ok ? file.value.content.userId : null, role: null },
      ...(why === 'vault.purged' ? { reason: 'VAULT_UNUSED' as const } : reason === null ? {} : { reason }),
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
  }

  function list(): VaultListing[] {
    const root = vaultsRoot(deps.dataDir);
    if (!existsSync(root)) return [];
    return readdirSync(root)
      .filter((name) => VAULT_ID.test(name))
      .map((vaultId) => {
        const paths = vaultPaths(deps.dataDir, vaultId);
        const file = readKeyFile(paths);
        const content = file.ok ? file.value.content : null;
        let lastUsedAt: number | null = null;
        try {
          const meta = JSON.parse(readFileSync(paths.metaFile, 'utf8')) as { lastUsedAt?: unknown };
          if (typeof meta.lastUsedAt === 'number') lastUsedAt = meta.lastUsedAt;
        } catch {
          lastUsedAt = null;
        }
        const attachments = existsSync(paths.attachments)
          ? readdirSync(paths.attachments).map((name) => path.join(paths.attachments, name))
          : [];
        const sizeBytes = [...databaseFiles(paths), ...attachments].reduce((sum, file) => {
          try {
            return sum + statSync(file).size;
          } catch {
            return sum;
          }
        }, 0);
        return {
          vaultId,
          userId: content?.userId ?? null,
          createdAt: content?.createdAt ?? null,
          lastUsedAt: lastUsedAt ?? content?.createdAt ?? null,
          sizeBytes,
          readable: content !== null,
        };
      });
  }

  /**
   * Shreds readable vaults not unlocked for `maxIdleDays` (policy). Vaults that cannot be read
   * are kept for IT, and open ones are never touched. No one asked: the records name no actor.
   */
  async function purgeUnused(maxIdleDays: number): Promise<string[]> {
    const cutoff = deps.now() - maxIdleDays * 86_400_000;
    const purged: string[] = [];
    for (const listing of list()) {
      if (!listing.readable || open.has(listing.vaultId) || listing.lastUsedAt === null || listing.lastUsedAt >= cutoff)
        continue;
      if ((await shred(listing.vaultId, 'vault.purged', BY_POLICY)).ok) purged.push(listing.vaultId);
    }
    return purged;
  }

  return { shred, list, purgeUnused };
}
