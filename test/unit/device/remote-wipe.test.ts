/**
 * The workstation's side of remote wipe with its surroundings faked (main/device/remote-wipe.ts,
 * device-commands.ts): what is destroyed in what order, what is reported, and that a command is
 * carried out only when the pinned audit key signed it for this device, and harmlessly twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createDeviceCommands } from '../../../main/device/device-commands';
import { createRemoteWipe, type RemoteWipe, type WipeReport } from '../../../main/device/remote-wipe';
import type { DeviceIdentity } from '../../../main/device/device-identity';
import { createLogger } from '../../../main/logging/logger';
import type { ApiClient } from '../../../main/server-link/api-client';
import { vaultIdOf } from '../../../main/vault/vault-layout';
import type { AuditEvent } from '../../../shared/audit/audit-event-builder';
import { ed25519Verifier } from '../../../shared/node/crypto/ed25519';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import { deviceCommandBytes, type DeviceCommand } from '../../../shared/protocol/device-command-api';
import { ok } from '../../../shared/result';

const logger = createLogger({ level: 'silent' });
const DEVICE = '5d1f0c7a-8e2b-4c3d-9a6f-1b2c3d4e5f60';
const OTHER_DEVICE = '0b9c1e7a-6f2d-4e3b-8a5c-9d8e7f6a5b4c';

/** A workstation's surroundings, recording what happens to them in order. */
function surroundings(options: { synced?: boolean } = {}) {
  const steps: string[] = [];
  const vaults = new Set([vaultIdOf('nurse.adams'), vaultIdOf('dr.okafor')]);
  const notes: AuditEvent[] = [];
  let armed = false;
  const deps = {
    exportsDir: '/nonexistent/wardline-test/exports',
    vaults: {
      list: () => [...vaults].map((vaultId) => ({ vaultId }) as ReturnType<RemoteWipeVaults['list']>[number]),
      shred: (vaultId: string) => {
        steps.push(`shred ${vaultId === vaultIdOf('nurse.adams') ? 'nurse' : 'doctor'}`);
        const had = vaults.delete(vaultId);
        return Promise.resolve(had ? ok(null) : ({ ok: false, error: 'VAULT_NOT_FOUND' } as const));
      },
    },
    audit: {
      note: (event: AuditEvent) => {
        notes.push(event);
        steps.push(`note ${event.action}`);
        return Promise.resolve();
      },
      syncNow: () => Promise.resolve({ kind: 'synced' as const, sent: 1 }),
      retire: async (retiring: { confirm: () => Promise<boolean>; destroy: () => Promise<void> }) => {
        if (options.synced === false) return 'unsynced' as const;
        if (!(await retiring.confirm())) return 'unconfirmed' as const;
        await retiring.destroy();
        return 'retired' as const;
      },
    },
    session: {
      whileWiping: <T>(why: string, userId: string | null, task: () => Promise<T>) => {
        steps.push(`sign out ${userId ?? 'everyone'} (${why})`);
        return task();
      },
    },
    deviceKey: {
      arm: () => ((armed = true), steps.push('arm key shred')),
      disarm: () => ((armed = false), steps.push('disarm key shred')),
      shred: () => (steps.push('shred key'), Promise.resolve()),
    },
    logger,
  };
  return { deps, steps, vaults, notes, armed: () => armed };
}
type RemoteWipeVaults = Parameters<typeof createRemoteWipe>[0]['vaults'];

describe('a workstation wipe', () => {
  it('signs out, records, shreds every vault, and shreds the key only after reporting the audit synced', async () => {
    const { deps, steps, notes } = surroundings();
    const reports: WipeReport[] = [];
    const wipe = createRemoteWipe(deps);
    const result = await wipe.wipeWorkstation(DEVICE, (report) => {
      reports.push(report);
      steps.push('report');
      return Promise.resolve(true);
    });
    expect(result).toBe('done');
    expect(steps).toEqual([
      'sign out everyone (workstation-wiped)',
      'note admin.action',
      'shred nurse',
      'shred doctor',
      'arm key shred',
      'report',
      'shred key',
    ]);
    expect(notes[0]).toMatchObject({
      actor: { userId: null, role: null },
      object: { kind: 'workstation', id: DEVICE, userId: null },
      reason: 'REMOTE_WIPE',
    });
    expect(reports).toEqual([{ outcome: 'wiped', auditSynced: true }]);
  });

  it('keeps the key when the report is lost, and a second run (fetched again) finishes harmlessly', async () => {
    const { deps, steps, vaults, armed } = surroundings();
    const wipe = createRemoteWipe(deps);
    expect(await wipe.wipeWorkstation(DEVICE, () => Promise.resolve(false))).toBe('retry');
    expect(steps).not.toContain('shred key');
    expect(armed()).toBe(false);
    expect(vaults.size).toBe(0);
    steps.length = 0;
    expect(await wipe.wipeWorkstation(DEVICE, () => Promise.resolve(true))).toBe('done');
    expect(steps.slice(-2)).toEqual(['arm key shred', 'shred key']);
  });

  it('keeps the audit log, and says so, when its records cannot reach the server', async () => {
    const { deps, steps } = surroundings({ synced: false });
    const reports: WipeReport[] = [];
    const wipe = createRemoteWipe(deps);
    const result = await wipe.wipeWorkstation(DEVICE, (report) => (reports.push(report), Promise.resolve(true)));
    expect(result).toBe('done');
    expect(reports).toEqual([{ outcome: 'wiped-audit-kept', auditSynced: false }]);
    expect(steps).not.toContain('shred key');
    expect(steps).toContain('shred doctor');
  });
});

describe("a person's wipe", () => {
  it('shreds only their vault, signing out only them', async () => {
    const { deps, steps, vaults } = surroundings();
    const reports: WipeReport[] = [];
    const wipe = createRemoteWipe(deps);
    expect(await wipe.wipeUser(DEVICE, 'dr.okafor', (r) => (reports.push(r), Promise.resolve(true)))).toBe('done');
    expect(steps).toEqual(['sign out dr.okafor (user-wiped)', 'note admin.action', 'shred doctor']);
    expect([...vaults]).toEqual([vaultIdOf('nurse.adams')]);
    expect(reports).toEqual([{ outcome: 'wiped', auditSynced: true }]);
    // Again: the vault is already gone, which is no failure.
    expect(await wipe.wipeUser(DEVICE, 'dr.okafor', () => Promise.resolve(true))).toBe('done');
  });
});

describe('which commands are carried out', () => {
  let sodium: Sodium;
  let auditKey: { publicKey: string; sign(bytes: Uint8Array): string };
  let impostor: { publicKey: string; sign(bytes: Uint8Array): string };

  beforeAll(async () => {
    sodium = await loadSodium();
    const pairOf = () => {
      const pair = sodium.crypto_sign_keypair();
      return {
        publicKey: Buffer.from(pair.publicKey).toString('base64'),
        sign: (bytes: Uint8Array) =>
          Buffer.from(sodium.crypto_sign_detached(bytes, pair.privateKey)).toString('base64'),
      };
    };
    auditKey = pairOf();
    impostor = pairOf();
  });

  const command = (
    signer: { sign(bytes: Uint8Array): string },
    fields: Partial<Omit<DeviceCommand, 'signature'>> = {},
  ): DeviceCommand => {
    const unsigned = {
      commandId: crypto.randomUUID(),
      deviceId: DEVICE,
      kind: 'wipe-workstation',
      userId: null,
      issuedAt: 1_800_000_000_000,
      ...fields,
    } as Omit<DeviceCommand, 'signature'>;
    return { ...unsigned, signature: signer.sign(deviceCommandBytes(unsigned)) } as DeviceCommand;
  };

  function commandsWith(served: DeviceCommand[], pinned: string | null) {
    const carried: string[] = [];
    const notes: AuditEvent[] = [];
    const reports: unknown[] = [];
    let syncs = 0;
    const api = {
      call: (route: string, body: unknown) => {
        if (route === 'fetchDeviceCommands') return Promise.resolve(ok({ commands: served }));
        reports.push(body);
        return Promise.resolve(ok({ doneAt: 1 }));
      },
      close: () => undefined,
    } as unknown as ApiClient;
    const wipe: RemoteWipe = {
      wipeWorkstation: async (_device, report) => {
        carried.push('workstation');
        await report({ outcome: 'wiped', auditSynced: true });
        return 'done';
      },
      wipeUser: (_device, userId) => (carried.push(`user ${userId}`), Promise.resolve('done')),
    };
    const identity = {
      deviceId: DEVICE,
      sign: (bytes: Uint8Array) => Promise.resolve(new Uint8Array(sodium.crypto_generichash(64, bytes, null))),
    } as unknown as DeviceIdentity;
    const commands = createDeviceCommands({
      api,
      identity: () => Promise.resolve(ok(identity)),
      pinnedAuditKey: () => pinned,
      audit: {
        note: (event) => (notes.push(event), Promise.resolve()),
        syncNow: () => (syncs++, Promise.resolve(null)),
      },
      verifier: () => Promise.resolve(ed25519Verifier(sodium)),
      wipe,
      now: () => 1_800_000_000_000,
      logger,
    });
    return { commands, carried, notes, reports, syncs: () => syncs };
  }

  it("carries out what the pinned audit key signed for this device, a person's wipe first", async () => {
    const served = [command(auditKey), command(auditKey, { kind: 'wipe-user', userId: 'dr.okafor' })];
    const { commands, carried, reports } = commandsWith(served, auditKey.publicKey);
    await commands.check();
    expect(carried).toEqual(['user dr.okafor', 'workstation']);
    expect(reports).toEqual([
      expect.objectContaining({ commandId: served[0]!.commandId, outcome: 'wiped', auditSynced: true }),
    ]);
  });

  it('refuses a forged or altered command, once, with an alert; and does nothing before a key is pinned', async () => {
    const genuine = command(auditKey, { kind: 'wipe-user', userId: 'dr.okafor' });
    const served = [
      command(impostor),
      command(auditKey, { deviceId: OTHER_DEVICE }),
      { ...genuine, userId: 'nurse.adams' } as DeviceCommand,
      { ...command(auditKey), issuedAt: 1 },
    ];
    const refused = commandsWith(served, auditKey.publicKey);
    await refused.commands.check();
    await refused.commands.check();
    expect(refused.carried).toEqual([]);
    expect(refused.notes).toHaveLength(4);
    expect(refused.notes.every((n) => n.action === 'audit.alert' && n.reason === 'DEVICE_COMMAND_FORGED')).toBe(true);

    const unpinned = commandsWith([command(auditKey)], null);
    await unpinned.commands.check();
    expect(unpinned.carried).toEqual([]);
    // It tried to pin the key first, by syncing its audit log.
    expect(unpinned.syncs()).toBe(1);
  });
});
