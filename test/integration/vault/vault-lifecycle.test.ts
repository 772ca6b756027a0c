/**
 * Vault lifecycle and every failure the issue names, on real files: each failure has its own
 * code and leaves the files exactly as they were.
 */
import { readFileSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachineFileProtector } from '../../../main/keys/device-protector';
import { KDF_FLOOR } from '../../../main/keys/kdf-params';
import { parseKeyFile, serializeKeyFile } from '../../../main/vault/key-file';
import { databaseFiles, vaultIdOf, vaultPaths, type VaultPaths } from '../../../main/vault/vault-layout';
import type { VaultEvent } from '../../../main/vault/vault-manager';
import { AuditError } from '../../../main/audit/device-audit-log';
import { fingerprint, floorKdf, makeManager, randomKey, tempDir } from '../../support/vault-fixtures';
import { received } from '../../support/vault-records';

async function vaultWithMessages(manager: ReturnType<typeof makeManager>['manager'], userId = 'nurse.adams') {
  const wrapKey = randomKey();
  const created = await manager.create(userId, wrapKey, floorKdf());
  if (!created.ok) throw new Error(created.error);
  await created.value.store.call('message.receive', received(1));
  await created.value.store.call('message.receive', received(2));
  await created.value.lock();
  return { wrapKey, vaultId: created.value.vaultId };
}

/** An audit trail that keeps what it is told, as the vault manager tells it. */
function tellingAudit() {
  const told: VaultEvent[] = [];
  const keep = (event: VaultEvent) => {
    told.push(event);
    return Promise.resolve();
  };
  return { told, audit: { record: keep, note: keep } };
}

function allFiles(dataDir: string, vaultId: string) {
  const paths = vaultPaths(dataDir, vaultId);
  return [paths.keyFile, ...databaseFiles(paths)];
}

describe('vault lifecycle', () => {
  it('creates, locks and unlocks a vault, keeping its messages', async () => {
    const { manager } = makeManager();
    const { wrapKey } = await vaultWithMessages(manager);
    const unlocked = await manager.unlock('nurse.adams', wrapKey);
    expect(unlocked.ok).toBe(true);
    if (!unlocked.ok) return;
    expect(await unlocked.value.store.call('message.unreadCount', {})).toBe(2);
    expect(manager.openVaultIds()).toEqual([unlocked.value.vaultId]);
    await unlocked.value.lock();
    expect(manager.openVaultIds()).toEqual([]);
    await expect(unlocked.value.store.call('message.unreadCount', {})).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('keeps clinicians apart: one clinician’s key does not open another’s vault', async () => {
    const { manager } = makeManager();
    const adams = await vaultWithMessages(manager, 'nurse.adams');
    await vaultWithMessages(manager, 'dr.okafor');
    expect(await manager.unlock('dr.okafor', adams.wrapKey)).toEqual({ ok: false, error: 'WRONG_PASSWORD' });
  });

  it('refuses to create a second vault for the same user', async () => {
    const { manager } = makeManager();
    await vaultWithMessages(manager);
    expect(await manager.create('NURSE.ADAMS ', randomKey(), floorKdf())).toEqual({ ok: false, error: 'VAULT_EXISTS' });
  });

  it('refuses a KDF below the floor when creating', async () => {
    const { manager } = makeManager();
    const weak = { salt: floorKdf().salt, params: { memoryMiB: 32, passes: 3 } };
    expect(await manager.create('nurse.adams', randomKey(), weak)).toEqual({ ok: false, error: 'KDF_TOO_WEAK' });
  });

  it('answers VAULT_IN_USE while the vault is open in this process', async () => {
    const { manager } = makeManager();
    const { wrapKey } = await vaultWithMessages(manager);
    const first = await manager.unlock('nurse.adams', wrapKey);
    expect(await manager.unlock('nurse.adams', wrapKey)).toEqual({ ok: false, error: 'VAULT_IN_USE' });
    if (first.ok) await first.value.lock();
  });
});

describe('vault failures leave the files untouched', () => {
  it('wrong password', async () => {
    const { manager, deps } = makeManager();
    const { vaultId } = await vaultWithMessages(manager);
    const before = fingerprint(allFiles(deps.dataDir, vaultId));
    expect(await manager.unlock('nurse.adams', randomKey())).toEqual({ ok: false, error: 'WRONG_PASSWORD' });
    expect(fingerprint(allFiles(deps.dataDir, vaultId))).toEqual(before);
  });

  it('wrong device: the vault folder copied to another workstation', async () => {
    const { manager, deps } = makeManager();
    const { wrapKey, vaultId } = await vaultWithMessages(manager);
    const elsewhere = createMachineFileProtector(path.join(tempDir(), 'other-machine-secret'));
    const { manager: otherMachine } = makeManager({ dataDir: deps.dataDir, device: elsewhere });
    const before = fingerprint(allFiles(deps.dataDir, vaultId));
    expect(await otherMachine.unlock('nurse.adams', wrapKey)).toEqual({ ok: false, error: 'WRONG_DEVICE' });
    const { manager: noKeystore } = makeManager({ dataDir: deps.dataDir, device: null, allowUnprotectedDevice: true });
    expect(await noKeystore.unlock('nurse.adams', wrapKey)).toEqual({ ok: false, error: 'WRONG_DEVICE' });
    expect(fingerprint(allFiles(deps.dataDir, vaultId))).toEqual(before);
  });

  it.each([
    ['truncated database', 'VAULT_CORRUPT', (paths: VaultPaths) => truncateSync(paths.database, 1000)],
    [
      'corrupted database (first page overwritten)',
      'VAULT_CORRUPT',
      (paths: VaultPaths) => writeFileSync(paths.database, readFileSync(paths.database).fill(0x41, 100, 600)),
    ],
    [
      'damaged key file',
      'KEY_FILE_CORRUPT',
      (paths: VaultPaths) => writeFileSync(paths.keyFile, readFileSync(paths.keyFile).subarray(0, 120)),
    ],
  ] as const)('%s → %s', async (_label, code, damage) => {
    const { manager, deps } = makeManager();
    const { wrapKey, vaultId } = await vaultWithMessages(manager);
    damage(vaultPaths(deps.dataDir, vaultId));
    const before = fingerprint(allFiles(deps.dataDir, vaultId));
    expect(await manager.unlock('nurse.adams', wrapKey)).toEqual({ ok: false, error: code });
    expect(fingerprint(allFiles(deps.dataDir, vaultId))).toEqual(before);
  });

  it('missing key file: the database is kept', async () => {
    const { manager, deps } = makeManager();
    const { wrapKey, vaultId } = await vaultWithMessages(manager);
    rmSync(vaultPaths(deps.dataDir, vaultId).keyFile);
    expect(await manager.unlock('nurse.adams', wrapKey)).toEqual({ ok: false, error: 'KEY_FILE_MISSING' });
    expect(existsSync(vaultPaths(deps.dataDir, vaultId).database)).toBe(true);
    expect(manager.list()).toEqual([expect.objectContaining({ vaultId, readable: false })]);
  });

  it('tampered key file: a KDF downgrade, and an edited header with a recomputed checksum', async () => {
    const { manager, deps } = makeManager();
    const { wrapKey, vaultId } = await vaultWithMessages(manager);
    const keyFile = vaultPaths(deps.dataDir, vaultId).keyFile;
    const original = parseKeyFile(readFileSync(keyFile))!;

    writeFileSync(keyFile, serializeKeyFile({ ...original, kdf: { ...original.kdf, memoryMiB: 8 } }));
    expect(await manager.unlock('nurse.adams', wrapKey)).toEqual({ ok: false, error: 'KDF_TOO_WEAK' });

    writeFileSync(keyFile, serializeKeyFile({ ...original, createdAt: original.createdAt + 1 }));
    const before = fingerprint(allFiles(deps.dataDir, vaultId));
    expect(await manager.unlock('nurse.adams', wrapKey)).toEqual({ ok: false, error: 'KEY_FILE_TAMPERED' });
    expect(fingerprint(allFiles(deps.dataDir, vaultId))).toEqual(before);

    writeFileSync(keyFile, serializeKeyFile(original));
    expect((await manager.unlock('nurse.adams', wrapKey)).ok).toBe(true);
    await manager.lockAll();
  });

  it('no protected key storage and a policy that requires it', async () => {
    const { manager } = makeManager({ device: null, allowUnprotectedDevice: false });
    expect(await manager.create('nurse.adams', randomKey(), floorKdf())).toEqual({
      ok: false,
      error: 'DEVICE_PROTECTION_UNAVAILABLE',
    });
    const { manager: permissive } = makeManager({ device: null, allowUnprotectedDevice: true });
    const created = await permissive.create('nurse.adams', randomKey(), floorKdf());
    expect(created.ok).toBe(true);
    await permissive.lockAll();
  });
});

describe('password, shredding and purging', () => {
  it('unlocks with the password, and changes it by re-wrapping the data key only', async () => {
    const { manager, deps } = makeManager();
    const created = await manager.createWithPassword('nurse.adams', 'first Password 1', KDF_FLOOR);
    if (!created.ok) throw new Error(created.error);
    await created.value.store.call('message.receive', received(1));
    await created.value.lock();
    const database = vaultPaths(deps.dataDir, vaultIdOf('nurse.adams')).database;
    const dbBefore = fingerprint([database]);

    expect(await manager.changePasswordWithPassword('nurse.adams', 'wrong', 'second Password 2')).toEqual({
      ok: false,
      error: 'WRONG_PASSWORD',
    });
    expect(await manager.changePasswordWithPassword('nurse.adams', 'first Password 1', 'second Password 2')).toEqual({
      ok: true,
      value: null,
    });
    expect(fingerprint([database])).toEqual(dbBefore);
    expect(await manager.unlockWithPassword('nurse.adams', 'first Password 1')).toEqual({
      ok: false,
      error: 'WRONG_PASSWORD',
    });
    const unlocked = await manager.unlockWithPassword('nurse.adams', 'second Password 2');
    expect(unlocked.ok && (await unlocked.value.store.call('message.unreadCount', {}))).toBe(1);
    await manager.lockAll();
  });

  it('crypto-shreds: key file destroyed, files gone, even while open; creation and shredding are told to the audit trail', async () => {
    const { audit, told } = tellingAudit();
    const { manager, deps } = makeManager({ audit });
    const { wrapKey, vaultId } = await vaultWithMessages(manager);
    await manager.unlock('nurse.adams', wrapKey);
    expect(await manager.shred(vaultId)).toEqual({ ok: true, value: null });
    for (const file of allFiles(deps.dataDir, vaultId)) expect(existsSync(file), file).toBe(false);
    expect(manager.openVaultIds()).toEqual([]);
    expect(await manager.unlock('nurse.adams', wrapKey)).toEqual({ ok: false, error: 'VAULT_NOT_FOUND' });
    expect(await manager.shred('not-a-vault-id')).toEqual({ ok: false, error: 'VAULT_NOT_FOUND' });
    // No one said who asked: the owner, read from the key file before it was destroyed.
    expect(told).toEqual([
      { action: 'vault.created', vaultId, actor: { userId: 'nurse.adams', role: null } },
      { action: 'vault.shredded', vaultId, actor: { userId: 'nurse.adams', role: null } },
    ]);
  });

  it('lists vaults and purges those unused for N days, keeping unreadable and open ones', async () => {
    let now = 1_800_000_000_000;
    const { audit, told } = tellingAudit();
    const { manager, deps } = makeManager({ now: () => now, audit });
    const old = await vaultWithMessages(manager, 'nurse.adams');
    now += 40 * 86_400_000;
    const recent = await vaultWithMessages(manager, 'dr.okafor');
    const damaged = await vaultWithMessages(manager, 'desk.ruiz');
    rmSync(vaultPaths(deps.dataDir, damaged.vaultId).keyFile);
    now += 5 * 86_400_000;
    expect(
      manager
        .list()
        .map((v) => v.userId ?? '(unreadable)')
        .sort(),
    ).toEqual(['(unreadable)', 'dr.okafor', 'nurse.adams']);
    expect(await manager.purgeUnused(30)).toEqual([old.vaultId]);
    expect(
      manager
        .list()
        .map((v) => v.vaultId)
        .sort(),
    ).toEqual([recent.vaultId, damaged.vaultId].sort());
    expect(told.filter((event) => event.action !== 'vault.created')).toEqual([
      { action: 'vault.purged', vaultId: old.vaultId, actor: { userId: null, role: null }, reason: 'VAULT_UNUSED' },
    ]);
  });

  it('records a creation before its first file is written, with the role; a failure after it follows it', async () => {
    const { audit, told } = tellingAudit();
    const { manager } = makeManager({ audit });
    const existedWhenRecorded: boolean[] = [];
    const created = await manager.create('dr.okafor', randomKey(), floorKdf(), 'physician');
    expect(created.ok).toBe(true);
    expect(told).toEqual([
      { action: 'vault.created', vaultId: vaultIdOf('dr.okafor'), actor: { userId: 'dr.okafor', role: 'physician' } },
    ]);
    await manager.lockAll();

    const broken = makeManager({
      device: {
        kind: 'machine-file',
        protect: () => Promise.reject(new Error('keystore gone')),
        unprotect: () => Promise.resolve(null),
      },
      audit: {
        record: (event) => {
          existedWhenRecorded.push(existsSync(vaultPaths(broken.deps.dataDir, event.vaultId).dir));
          return audit.record(event);
        },
        note: audit.note,
      },
    });
    told.length = 0;
    expect(await broken.manager.create('dr.okafor', randomKey(), floorKdf(), 'physician')).toEqual({
      ok: false,
      error: 'INTERNAL',
    });
    expect(existedWhenRecorded).toEqual([false]);
    expect(told.map((event) => [event.action, event.outcome ?? 'success', event.reason ?? null])).toEqual([
      ['vault.created', 'success', null],
      ['vault.created', 'failure', 'INTERNAL'],
    ]);
  });

  it('creates no vault whose creation cannot be recorded (fail closed), and says a full disk as such', async () => {
    for (const [code, answer] of [
      ['AUDIT_UNAVAILABLE', 'AUDIT_UNAVAILABLE'],
      ['AUDIT_DISK_FULL', 'DISK_FULL'],
    ] as const) {
      const { manager, deps } = makeManager({
        audit: { record: () => Promise.reject(new AuditError(code)), note: () => Promise.resolve() },
      });
      expect(await manager.create('nurse.adams', randomKey(), floorKdf(), 'nurse')).toEqual({
        ok: false,
        error: answer,
      });
      expect(existsSync(vaultPaths(deps.dataDir, vaultIdOf('nurse.adams')).dir)).toBe(false);
      expect(manager.openVaultIds()).toEqual([]);
    }
  });

  it('shreds only once the note is durable, noted before the key is destroyed, naming who asked', async () => {
    const order: string[] = [];
    let keyFileAtNote: boolean | null = null;
    const { manager, deps } = makeManager({
      audit: {
        record: () => Promise.resolve(),
        note: async (event) => {
          keyFileAtNote = existsSync(vaultPaths(deps.dataDir, event.vaultId).keyFile);
          await new Promise((resolve) => setTimeout(resolve, 50));
          order.push(`${event.action} by ${event.actor.userId ?? 'nobody'} (${event.actor.role ?? 'no role'})`);
        },
      },
    });
    const { vaultId } = await vaultWithMessages(manager);
    const shredding = manager
      .shred(vaultId, 'vault.shredded', { userId: 'it.morgan', role: 'it-admin' })
      .then((result) => {
        order.push('shred reported');
        return result;
      });
    expect(await shredding).toEqual({ ok: true, value: null });
    expect(keyFileAtNote).toBe(true);
    expect(order).toEqual(['vault.shredded by it.morgan (it-admin)', 'shred reported']);
  });

  it('wipes every key buffer it allocated once the vault is locked', async () => {
    const issued: Uint8Array[] = [];
    const { manager } = makeManager({
      randomBytes: (length) => {
        const bytes = new Uint8Array(length).map(() => 0x5a);
        issued.push(bytes);
        return bytes;
      },
    });
    const wrapKey = randomKey();
    const created = await manager.create('nurse.adams', wrapKey, floorKdf());
    if (!created.ok) throw new Error(created.error);
    await created.value.lock();
    const unlocked = await manager.unlock('nurse.adams', wrapKey);
    if (!unlocked.ok) throw new Error(unlocked.error);
    await unlocked.value.lock();
    const dataKeys = issued.filter((bytes) => bytes.length === 32);
    expect(dataKeys).toHaveLength(1);
    expect(dataKeys.every((bytes) => bytes.every((b) => b === 0))).toBe(true);
  });
});
