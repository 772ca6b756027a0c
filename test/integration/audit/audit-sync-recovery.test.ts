/**
 * The audit sync recovers on its own: records written while the server is down reach it once it
 * is back, with nobody calling syncNow, and a sync step that throws (the head file cannot be
 * written, the log refuses an acknowledgement) is retried instead of stalling the sync.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditSync } from '../../../main/audit/audit-sync';
import { createAuditTrail } from '../../../main/audit/audit-trail';
import { deviceLogFile, deviceLogKey, openDeviceAuditLog } from '../../../main/audit/device-audit-log';
import { DEVICE_LOG_MIGRATIONS } from '../../../main/audit/device-log-schema';
import { openSqlCipher } from '../../../main/store/sqlcipher-connection';
import { readWitnessedHead, writeWitnessedHead } from '../../../main/audit/witnessed-head-file';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from '../../../main/device/device-identity';
import { createMachineFileProtector } from '../../../main/keys/device-protector';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { createLogger } from '../../../main/logging/logger';
import { createApiClient } from '../../../main/server-link/api-client';
import { startServer } from '../../../server/server';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually } from '../../support/workstation';
import { auditEvent } from '../../../shared/audit/audit-event-builder';
import { capturedLogger } from '../../support/captured-log';

const nurse = account('nurse.okoro', 'nurse', 'Ada Okoro', 'Ward 7', 'Staff Nurse');
const actor = { userId: nurse.userId, role: 'nurse' as const };

let server: TestServer;
let dataDir: string;
let identity: DeviceIdentity;

beforeAll(async () => {
  server = await startTestServer([nurse]);
  // A sign-in registers this workstation's device key with the server; then the core is closed
  // and the tests drive the device log with shortened retry waits.
  const station = createWorkstation(server.endpoint);
  dataDir = station.dataDir;
  await signIn(station, nurse);
  await station.call('session.signOut', {});
  expect(await station.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
  await station.close();
  const loaded = await loadOrCreateDeviceIdentity({
    dataDir,
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
  });
  if (!loaded.ok) throw new Error(loaded.error);
  identity = loaded.value;
}, 60_000);

afterAll(async () => {
  identity.close();
  await server.server.close();
});

const storedSeqs = async () =>
  (await server.server.admin.auditRecords({ workstationId: identity.deviceId })).map((e) => e.record.seq);

describe('audit sync recovery', () => {
  it('delivers everything written during an outage once the server is back, without being asked', async () => {
    const port = server.server.port;
    await server.server.close();
    const { logger, lines } = capturedLogger();
    const api = createApiClient(server.endpoint);
    const trail = createAuditTrail({
      dataDir,
      identity: () => Promise.resolve({ ok: true, value: identity }),
      api,
      now: Date.now,
      logger,
      syncBackoff: { initialMs: 20, maxMs: 200 },
    });
    try {
      for (let i = 0; i < 25; i++) await trail.record(auditEvent({ action: 'session.locked', actor, reason: 'IDLE' }));
      const log = await trail.log();
      const { lastSeq } = await log.state();
      // The server stays down for several retries: each one fails and is tried again later.
      await eventually(
        () => Promise.resolve(lines.filter((line) => line.includes('audit sync failed')).length),
        (failures) => failures >= 3,
      );
      expect(await log.pendingCount()).toBeGreaterThanOrEqual(25);

      const restarted = await startServer({ dataDir: server.dataDir, port, log: { level: 'silent' } });
      server = { ...server, server: restarted };
      await eventually(
        () => log.pendingCount(),
        (pending) => pending === 0,
        20_000,
      );
      const seqs = await storedSeqs();
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(seqs.at(-1)).toBe(lastSeq);
      // The line follows the last acknowledgement by a moment: the sync logs once its round ends.
      await eventually(
        () => Promise.resolve(lines.join('')),
        (text) => text.includes('audit synced'),
      );
    } finally {
      await trail.close();
      api.close();
    }
  }, 60_000);

  it('retries when writing the verified head or acknowledging throws, and delivers each record once', async () => {
    const sodium = await loadSodium();
    const log = await openDeviceAuditLog({ dataDir, identity });
    const api = createApiClient(server.endpoint);
    let headWrites = 0;
    let acknowledgements = 0;
    const known = readWitnessedHead(dataDir);
    const sync = createAuditSync({
      log: {
        ...log,
        acknowledge: (seq, hash) =>
          ++acknowledgements === 1 ? Promise.reject(new Error('database is locked')) : log.acknowledge(seq, hash),
      },
      api,
      identity,
      witnessed: {
        read: () => (known.ok ? known.value : null),
        write: (head) => {
          if (++headWrites === 1) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
          writeWitnessedHead(dataDir, head);
        },
      },
      sha256: (...parts) => {
        const hash = createHash('sha256');
        for (const part of parts) hash.update(part);
        return new Uint8Array(hash.digest());
      },
      verifySignature: (key, message, signature) =>
        sodium.crypto_sign_verify_detached(Buffer.from(signature, 'base64'), message, Buffer.from(key, 'base64')),
      now: Date.now,
      random: () => 0.5,
      logger: createLogger({ level: 'silent' }),
      backoff: { initialMs: 20, maxMs: 100 },
      debounceMs: 5,
      batchSize: 4,
    });
    try {
      const before = (await log.state()).lastSeq;
      for (let i = 0; i < 10; i++)
        await log.append({
          actor,
          action: 'session.unlocked',
          object: { kind: 'none' },
          patient: null,
          at: Date.now(),
          outcome: 'success',
          reason: 'PIN',
        });
      sync.kick();
      await eventually(
        () => log.pendingCount(),
        (pending) => pending === 0,
        20_000,
      );
      expect(headWrites).toBeGreaterThanOrEqual(2);
      expect(acknowledgements).toBeGreaterThanOrEqual(2);
      const seqs = await storedSeqs();
      // Resent batches are stored once: the server's copy is the whole chain, no duplicates.
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(seqs.at(-1)).toBe(before + 10);
    } finally {
      await sync.stop();
      await log.close();
      api.close();
    }
  }, 60_000);

  // Last: it leaves this workstation's chain broken for good.
  it('a local chain broken before it was sent: the workstation notes it at start, the server refuses it and says where', async () => {
    const log = await openDeviceAuditLog({ dataDir, identity });
    for (let i = 0; i < 3; i++)
      await log.append({
        actor,
        action: 'session.locked',
        object: { kind: 'none' },
        patient: null,
        at: Date.now(),
        outcome: 'success',
        reason: 'IDLE',
      });
    const { ackedSeq } = await log.state();
    await log.close();
    const key = deviceLogKey(identity);
    const db = openSqlCipher(deviceLogFile(dataDir), key, { create: false, migrations: DEVICE_LOG_MIGRATIONS });
    key.fill(0);
    try {
      const row = db.prepare('SELECT record FROM records WHERE seq = ?').get(ackedSeq + 2) as { record: string };
      db.prepare('UPDATE records SET record = ? WHERE seq = ?').run(
        row.record.replace('"IDLE"', '"REQUESTED"'),
        ackedSeq + 2,
      );
    } finally {
      db.close();
    }
    const api = createApiClient(server.endpoint);
    const trail = createAuditTrail({
      dataDir,
      identity: () => Promise.resolve({ ok: true, value: identity }),
      api,
      now: Date.now,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      expect(await trail.chainCheck()).toEqual({ ok: false, error: { seq: ackedSeq + 2, problem: 'hash-mismatch' } });
      const { entries } = await (await trail.log()).pending(100);
      expect(entries.map((e) => e.record.reason)).toContain('AUDIT_LOCAL_HASH_MISMATCH');
      expect(await trail.syncNow()).toEqual({ kind: 'failed', code: 'AUDIT_CHAIN_BROKEN' });
      const alerts = await server.server.admin.auditAlerts();
      expect(
        alerts.filter((a) => a.workstationId === identity.deviceId).map(({ kind, seq }) => ({ kind, seq })),
      ).toContainEqual({ kind: 'bad-chain', seq: ackedSeq + 2 });
    } finally {
      await trail.close();
      api.close();
    }
  }, 60_000);
});
