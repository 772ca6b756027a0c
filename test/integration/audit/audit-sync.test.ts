/**
 * The audit trail from the workstation to the server, through the real core, device log and
 * server: records are synced in order with their proofs, survive a server outage, are stored
 * once however often a batch is resent, and a fork, a gap or a forged signature leaves an alert.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { witnessedHeadFile } from '../../../main/audit/witnessed-head-file';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from '../../../main/device/device-identity';
import { createMachineFileProtector } from '../../../main/keys/device-protector';
import { createApiClient } from '../../../main/server-link/api-client';
import {
  batchSigningBytes,
  checkEntries,
  entryHash,
  fromHex,
  GENESIS_HASH,
  hex,
} from '../../../shared/audit/audit-chain';
import { blake2b256 } from '../../../shared/audit/blake2b';
import type { ChainedEntry } from '../../../shared/audit/audit-entry';
import type { AuditRecord } from '../../../shared/audit/audit-event';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { startServer } from '../../../server/server';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.okoro', 'nurse', 'Ada Okoro', 'Ward 7', 'Staff Nurse');
const doctor = account('dr.singh', 'physician', 'Ravi Singh', 'Cardiology', 'Registrar');

let server: TestServer;
let ward: Workstation;
let office: Workstation;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  // The doctor signs in once somewhere, so there are keys to send to.
  await signIn(office, doctor);
}, 60_000);

afterAll(async () => {
  await office.close();
  await ward.close();
  await server.server.close();
});

async function identityOf(station: Workstation): Promise<DeviceIdentity> {
  const loaded = await loadOrCreateDeviceIdentity({
    dataDir: station.dataDir,
    device: createMachineFileProtector(path.join(station.dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
  });
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.value;
}

describe('audit sync', () => {
  let conversationId: string;

  it('sends every record in order with its chain, and the workstation keeps the verified head outside its log', async () => {
    await signIn(ward, nurse);
    const sent = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'Potassium 6.1, please review',
      priority: 'urgent',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    conversationId = sent.value.conversationId;
    await openThread(ward, conversationId);

    expect(await ward.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
    const log = await ward.core.audit.log();
    expect(await log.pendingCount()).toBe(0);
    expect(existsSync(witnessedHeadFile(ward.dataDir))).toBe(true);

    const stored = await server.server.admin.auditRecords({ workstationId: log.deviceId });
    expect(stored.map((e) => e.record.seq)).toEqual(stored.map((_, i) => i + 1));
    const actions = stored.map((e) => e.record.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'policy.loaded',
        'vault.created',
        'sign-in.succeeded',
        'message.sent',
        'conversation.opened',
      ]),
    );
    expect(actions.indexOf('sign-in.succeeded')).toBeLessThan(actions.indexOf('message.sent'));
    const opened = stored.find((e) => e.record.action === 'conversation.opened');
    expect(opened?.record).toMatchObject({
      actor: { userId: nurse.userId, role: 'nurse' },
      object: { kind: 'conversation', id: conversationId },
      outcome: 'success',
    });
    // Ids and codes only: the message text never reaches the trail.
    expect(JSON.stringify(stored)).not.toContain('Potassium');
    for (let i = 1; i < stored.length; i++) expect(stored[i]?.previousHash).toBe(stored[i - 1]?.hash);
    const heads = await server.server.admin.auditHeads();
    expect(heads.at(-1)?.treeSize).toBeGreaterThanOrEqual(stored.length);
  });

  it('keeps records through a server outage and delivers each exactly once afterwards', async () => {
    const port = server.server.port;
    await server.server.close();
    expect(await ward.call('session.lock', {})).toMatchObject({ ok: true });
    const down = await ward.core.audit.syncNow();
    expect(down).toMatchObject({ kind: 'failed', code: 'UNREACHABLE' });
    const log = await ward.core.audit.log();
    expect(await log.pendingCount()).toBeGreaterThan(0);

    const restarted = await startServer({ dataDir: server.dataDir, port, log: { level: 'silent' } });
    server = { ...server, server: restarted };
    expect(await ward.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
    expect(await log.pendingCount()).toBe(0);
    const stored = await restarted.admin.auditRecords({ workstationId: log.deviceId });
    expect(stored.map((e) => e.record.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.filter((e) => e.record.action === 'session.locked')).toHaveLength(1);
  });

  describe('batches that do not add up', () => {
    let identity: DeviceIdentity;
    const api = () => createApiClient(server.endpoint);
    const sign = async (entries: ChainedEntry[]) => {
      const first = entries[0] as ChainedEntry;
      const last = entries.at(-1) as ChainedEntry;
      const signature = await identity.sign(
        batchSigningBytes({
          deviceId: identity.deviceId,
          firstSeq: first.record.seq,
          lastSeq: last.record.seq,
          previousHash: fromHex(first.previousHash) as Uint8Array,
          lastHash: fromHex(last.hash) as Uint8Array,
        }),
      );
      return Buffer.from(signature).toString('base64');
    };
    const chain = (from: { seq: number; hash: string }, count: number, at: number): ChainedEntry[] => {
      const entries: ChainedEntry[] = [];
      let previous = from.hash;
      for (let i = 1; i <= count; i++) {
        const record: AuditRecord = {
          actor: { userId: nurse.userId, role: 'nurse' },
          action: 'conversation.opened',
          object: { kind: 'conversation', id: conversationId },
          patient: null,
          at: at + i,
          seq: from.seq + i,
          workstationId: identity.deviceId,
          outcome: 'success',
          reason: null,
        };
        const hash = hex(entryHash(blake2b256, fromHex(previous) as Uint8Array, record));
        entries.push({ record, previousHash: previous, hash });
        previous = hash;
      }
      return entries;
    };

    beforeAll(async () => {
      await loadSodium();
      identity = await identityOf(ward);
    });

    it('acknowledges a resent batch again without storing it twice', async () => {
      const stored = await server.server.admin.auditRecords({ workstationId: identity.deviceId });
      const resent = stored.slice(-3).map(({ record, previousHash, hash }) => ({ record, previousHash, hash }));
      const client = api();
      const answer = await client.call('auditBatch', {
        deviceId: identity.deviceId,
        entries: resent,
        signature: await sign(resent),
        knownTreeSize: 0,
      });
      client.close();
      expect(answer).toMatchObject({ ok: true, value: { ackedSeq: resent.at(-1)?.record.seq } });
      expect(await server.server.admin.auditRecords({ workstationId: identity.deviceId })).toHaveLength(stored.length);
    });

    it('refuses a fork and a forged signature, accepts a gap, and leaves an alert for each', async () => {
      const stored = await server.server.admin.auditRecords({ workstationId: identity.deviceId });
      const last = stored.at(-1) as (typeof stored)[number];
      const client = api();
      try {
        const fork = chain({ seq: last.record.seq, hash: hex(GENESIS_HASH) }, 2, Date.now());
        expect(
          await client.call('auditBatch', {
            deviceId: identity.deviceId,
            entries: fork,
            signature: await sign(fork),
            knownTreeSize: 0,
          }),
        ).toEqual({
          ok: false,
          error: { code: 'AUDIT_CHAIN_BROKEN' },
        });

        const honest = chain({ seq: last.record.seq, hash: last.hash }, 2, Date.now());
        const forged = Buffer.alloc(64, 7).toString('base64');
        expect(
          await client.call('auditBatch', {
            deviceId: identity.deviceId,
            entries: honest,
            signature: forged,
            knownTreeSize: 0,
          }),
        ).toEqual({
          ok: false,
          error: { code: 'AUDIT_SIGNATURE_INVALID' },
        });

        const afterGap = chain({ seq: last.record.seq + 5, hash: hex(GENESIS_HASH) }, 1, Date.now());
        expect(
          await client.call('auditBatch', {
            deviceId: identity.deviceId,
            entries: afterGap,
            signature: await sign(afterGap),
            knownTreeSize: 0,
          }),
        ).toMatchObject({ ok: true });
      } finally {
        client.close();
      }
      const alerts = await server.server.admin.auditAlerts();
      expect(alerts.map(({ kind, seq, workstationId }) => ({ kind, seq, workstationId }))).toEqual([
        { kind: 'fork', seq: last.record.seq + 1, workstationId: identity.deviceId },
        { kind: 'bad-signature', seq: last.record.seq + 1, workstationId: identity.deviceId },
        { kind: 'gap', seq: last.record.seq + 1, workstationId: identity.deviceId },
      ]);
    });

    it('refuses a batch from a device the server never registered', async () => {
      const client = api();
      const stranger = chain({ seq: 0, hash: hex(GENESIS_HASH) }, 1, Date.now()).map((e) => e);
      const answer = await client.call('auditBatch', {
        deviceId: '0f0e0d0c-0b0a-4909-8807-060504030201',
        entries: stranger,
        signature: await sign(stranger),
        knownTreeSize: 0,
      });
      client.close();
      expect(answer).toEqual({ ok: false, error: { code: 'AUDIT_DEVICE_UNKNOWN' } });
    });
  });
});

describe("the server's own records", () => {
  it('puts each access change into the trail on a chain of its own, signed with the audit key', async () => {
    await server.server.admin.revokeSessions(doctor.userId);
    await server.server.admin.deactivate(doctor.userId);
    await server.server.admin.reactivate(doctor.userId);
    const admin = await server.server.admin.auditRecords({ action: 'admin.action' });
    // The accounts this test created came first, each recorded too.
    expect(admin.filter((e) => e.record.reason === 'ACCOUNT_CREATED').map((e) => e.record.object)).toEqual([
      { kind: 'account', id: nurse.userId },
      { kind: 'account', id: doctor.userId },
    ]);
    const access = admin.filter((e) => e.record.reason !== 'ACCOUNT_CREATED');
    expect(
      access.map((e) => ({ actor: e.record.actor.userId, object: e.record.object, reason: e.record.reason })),
    ).toEqual([
      { actor: 'server-operator', object: { kind: 'account', id: doctor.userId }, reason: 'SESSIONS_REVOKED' },
      { actor: 'server-operator', object: { kind: 'account', id: doctor.userId }, reason: 'ACCOUNT_DEACTIVATED' },
      { actor: 'server-operator', object: { kind: 'account', id: doctor.userId }, reason: 'ACCOUNT_REACTIVATED' },
    ]);
    // One chain, the server's own (with the sessions it issued and ended), whole from its first record.
    const chain = new Set(admin.map((e) => e.record.workstationId));
    expect(chain.size).toBe(1);
    const whole = await server.server.admin.auditRecords({ workstationId: [...chain][0] as string, limit: 100_000 });
    expect(whole.map((e) => e.record.seq)).toEqual(whole.map((_, i) => i + 1));
    expect(whole.filter((e) => e.record.action === 'admin.action')).toEqual(admin);
    await loadSodium();
    expect(
      checkEntries(blake2b256, whole, [...chain][0] as string, { seq: 1, previousHash: hex(GENESIS_HASH) }),
    ).toBeNull();
  });
});
