import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DEVICE_LOG_MIGRATIONS } from '../../../main/audit/device-log-schema';
import {
  AuditError,
  deviceLogFile,
  deviceLogKey,
  openDeviceAuditLog,
  type DeviceAuditLog,
} from '../../../main/audit/device-audit-log';
import { deviceLogOps, type UnplacedRecord } from '../../../main/audit/device-log-ops';
import { createAuditTrail, type AuditTrail } from '../../../main/audit/audit-trail';
import { createLogger } from '../../../main/logging/logger';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from '../../../main/device/device-identity';
import { createMachineFileProtector } from '../../../main/keys/device-protector';
import { openSqlCipher } from '../../../main/store/sqlcipher-connection';

const CONVERSATION = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';

const opened = (userId: string, at: number): UnplacedRecord => ({
  actor: { userId, role: 'nurse' },
  action: 'conversation.opened',
  object: { kind: 'conversation', id: CONVERSATION },
  patient: null,
  at,
  outcome: 'success',
  reason: null,
});

async function identityIn(dataDir: string): Promise<DeviceIdentity> {
  const loaded = await loadOrCreateDeviceIdentity({
    dataDir,
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
  });
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.value;
}

const open: DeviceAuditLog[] = [];
afterEach(async () => {
  for (const log of open.splice(0)) await log.close();
});

async function freshLog(): Promise<{ dataDir: string; identity: DeviceIdentity; log: DeviceAuditLog }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-device-audit-'));
  const identity = await identityIn(dataDir);
  const log = await openDeviceAuditLog({ dataDir, identity });
  open.push(log);
  return { dataDir, identity, log };
}

/** Opens the log's database directly, with the device key, as someone with that key could. */
function raw(dataDir: string, identity: DeviceIdentity): Database {
  const key = deviceLogKey(identity);
  try {
    return openSqlCipher(deviceLogFile(dataDir), key, { create: false, migrations: DEVICE_LOG_MIGRATIONS });
  } finally {
    key.fill(0);
  }
}

describe('the device audit log', () => {
  it('numbers concurrent appends in order, chains them, and keeps them across a reopen', async () => {
    const { dataDir, identity, log } = await freshLog();
    const placed = await Promise.all(
      Array.from({ length: 300 }, (_, i) => log.append(opened('nurse.adams', 1_795_000_000_000 + i))),
    );
    expect(placed.map((p) => p.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(await log.verify()).toEqual({ ok: true, value: { lastSeq: 300, records: 300 } });
    await log.close();
    open.splice(0);

    const again = await openDeviceAuditLog({ dataDir, identity });
    open.push(again);
    const { entries, state } = await again.pending(1000);
    expect(state.lastSeq).toBe(300);
    expect(entries).toHaveLength(300);
    expect(entries[0]?.record).toMatchObject({
      seq: 1,
      workstationId: identity.deviceId,
      action: 'conversation.opened',
    });
    expect(entries[1]?.previousHash).toBe(entries[0]?.hash);
    expect((await again.append(opened('nurse.adams', 1_795_000_001_000))).seq).toBe(301);
  });

  it('refuses a record the catalogue does not allow, naming the field and not the value', async () => {
    const { log } = await freshLog();
    const phi = 'Smith 12/03/1961 K+ 6.1';
    const attempt = log.append({
      ...opened('nurse.adams', 1),
      object: { kind: 'conversation', id: phi },
    } as unknown as UnplacedRecord);
    await expect(attempt).rejects.toBeInstanceOf(AuditError);
    const error = (await attempt.then(
      () => null,
      (e: unknown) => e,
    )) as AuditError;
    expect(error.code).toBe('AUDIT_RECORD_INVALID');
    expect(error.fields).toEqual(['object.id']);
    expect(error.message).not.toContain(phi);
    expect(await log.pendingCount()).toBe(0);
  });

  it('deletes only what the server acknowledged, and only with the matching hash', async () => {
    const { log } = await freshLog();
    const placed = await Promise.all([1, 2, 3, 4].map((i) => log.append(opened('nurse.adams', i))));
    expect(await log.acknowledge(2, placed[2]?.hash ?? '')).toBe(false);
    expect(await log.acknowledge(2, placed[1]?.hash ?? '')).toBe(true);
    expect(await log.acknowledge(2, placed[1]?.hash ?? '')).toBe(false);
    const { state, entries } = await log.pending(10);
    expect(state).toMatchObject({ ackedSeq: 2, ackedHash: placed[1]?.hash, lastSeq: 4 });
    expect(entries.map((e) => e.record.seq)).toEqual([3, 4]);
    expect(await log.verify()).toEqual({ ok: true, value: { lastSeq: 4, records: 2 } });
  });

  describe('finds tampering by someone holding the device key, and names the record', () => {
    async function tampered(change: (db: Database) => void) {
      const { dataDir, identity, log } = await freshLog();
      for (let i = 1; i <= 6; i++) await log.append(opened('nurse.adams', 1_795_000_000_000 + i));
      await log.close();
      open.splice(0);
      const db = raw(dataDir, identity);
      try {
        change(db);
      } finally {
        db.close();
      }
      const reopened = await openDeviceAuditLog({ dataDir, identity });
      open.push(reopened);
      return reopened.verify();
    }
    const recordOf = (db: Database, seq: number) =>
      (db.prepare('SELECT record FROM records WHERE seq = ?').get(seq) as { record: string }).record;

    it('an edited field', async () => {
      const check = await tampered((db) => {
        const edited = recordOf(db, 3).replace('nurse.adams', 'nurse.brown');
        db.prepare('UPDATE records SET record = ? WHERE seq = 3').run(edited);
      });
      expect(check).toEqual({ ok: false, error: { seq: 3, problem: 'hash-mismatch' } });
    });

    it('a deleted record', async () => {
      expect(await tampered((db) => db.prepare('DELETE FROM records WHERE seq = 4').run())).toEqual({
        ok: false,
        error: { seq: 4, problem: 'sequence-gap' },
      });
    });

    it('two records swapped', async () => {
      const check = await tampered((db) => {
        const [a, b] = [recordOf(db, 2), recordOf(db, 5)];
        db.prepare('UPDATE records SET record = ? WHERE seq = 2').run(b);
        db.prepare('UPDATE records SET record = ? WHERE seq = 5').run(a);
      });
      expect(check).toEqual({ ok: false, error: { seq: 2, problem: 'sequence-gap' } });
    });

    it('an inserted record', async () => {
      const check = await tampered((db) => {
        const row = db.prepare('SELECT * FROM records WHERE seq = 6').get() as {
          record: string;
          previous_hash: Buffer;
          hash: Buffer;
        };
        db.prepare('INSERT INTO records (seq, record, previous_hash, hash) VALUES (7, ?, ?, ?)').run(
          row.record.replace('"seq":6', '"seq":7'),
          row.hash,
          row.hash,
        );
      });
      expect(check).toEqual({ ok: false, error: { seq: 7, problem: 'hash-mismatch' } });
    });

    it('a cut tail', async () => {
      expect(await tampered((db) => db.prepare('DELETE FROM records WHERE seq >= 5').run())).toEqual({
        ok: false,
        error: { seq: 5, problem: 'tail-missing' },
      });
    });
  });

  it('verifies a backlog longer than one step, and names a break past the first step', async () => {
    const { dataDir, identity, log } = await freshLog();
    await Promise.all(Array.from({ length: 4500 }, (_, i) => log.append(opened('nurse.adams', 1_795_000_000_000 + i))));
    expect(await log.verify()).toEqual({ ok: true, value: { lastSeq: 4500, records: 4500 } });
    await log.close();
    open.splice(0);
    const db = raw(dataDir, identity);
    try {
      const text = (db.prepare('SELECT record FROM records WHERE seq = 3100').get() as { record: string }).record;
      db.prepare('UPDATE records SET record = ? WHERE seq = 3100').run(text.replace('"success"', '"failure"'));
    } finally {
      db.close();
    }
    const reopened = await openDeviceAuditLog({ dataDir, identity });
    open.push(reopened);
    expect(await reopened.verify()).toEqual({ ok: false, error: { seq: 3100, problem: 'hash-mismatch' } });
  });

  it('goes on from the acknowledged hash when the sync acknowledges past a verification step', async () => {
    const { dataDir, identity, log } = await freshLog();
    const placed = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => log.append(opened('nurse.adams', i))));
    await log.close();
    open.splice(0);
    const db = raw(dataDir, identity);
    try {
      const first = deviceLogOps['log.verifyFrom'](db, { from: null, limit: 2 });
      expect(first).toEqual({ ok: true, value: { done: false, seq: 2, hash: placed[1]?.hash, records: 2 } });
      expect(deviceLogOps['log.acknowledge'](db, { seq: 4, hash: placed[3]?.hash ?? '' })).toBe(true);
      if (!first.ok || first.value.done) throw new Error('unreachable');
      const from = { seq: first.value.seq, hash: first.value.hash };
      expect(deviceLogOps['log.verifyFrom'](db, { from, limit: 2 })).toEqual({
        ok: true,
        value: { done: false, seq: 6, hash: placed[5]?.hash, records: 2 },
      });
      expect(deviceLogOps['log.verifyFrom'](db, { from: { seq: 6, hash: placed[5]?.hash ?? '' }, limit: 2 })).toEqual({
        ok: true,
        value: { done: true, lastSeq: 6, records: 0 },
      });
      // A record left below the acknowledged point is not what acknowledging leaves behind.
      db.prepare('INSERT INTO records (seq, record, previous_hash, hash) VALUES (3, ?, ?, ?)').run(
        '{}',
        Buffer.alloc(32),
        Buffer.alloc(32),
      );
      expect(deviceLogOps['log.verifyFrom'](db, { from: null, limit: 2 })).toEqual({
        ok: false,
        error: { seq: 5, problem: 'sequence-gap' },
      });
    } finally {
      db.close();
    }
  });

  describe('checked by the audit trail when it opens', () => {
    const trails: AuditTrail[] = [];
    afterEach(async () => {
      for (const trail of trails.splice(0)) await trail.close();
    });
    const trailOn = (dataDir: string, identity: DeviceIdentity) => {
      const trail = createAuditTrail({
        dataDir,
        identity: () => Promise.resolve({ ok: true, value: identity }),
        api: null,
        now: () => 1_795_000_009_000,
        logger: createLogger({ level: 'silent' }),
      });
      trails.push(trail);
      return trail;
    };

    it('an intact log: checked, nothing added', async () => {
      const { dataDir, identity, log } = await freshLog();
      for (let i = 1; i <= 3; i++) await log.append(opened('nurse.adams', i));
      await log.close();
      open.splice(0);
      const trail = trailOn(dataDir, identity);
      expect(await trail.chainCheck()).toEqual({ ok: true, value: { lastSeq: 3, records: 3 } });
      expect(await (await trail.log()).pendingCount()).toBe(3);
    });

    it('a tampered log: an alert with the reason is appended, to go to the server with the rest', async () => {
      const { dataDir, identity, log } = await freshLog();
      for (let i = 1; i <= 5; i++) await log.append(opened('nurse.adams', i));
      await log.close();
      open.splice(0);
      const db = raw(dataDir, identity);
      try {
        db.prepare('DELETE FROM records WHERE seq = 2').run();
      } finally {
        db.close();
      }
      const trail = trailOn(dataDir, identity);
      expect(await trail.chainCheck()).toEqual({ ok: false, error: { seq: 2, problem: 'sequence-gap' } });
      const { entries } = await (await trail.log()).pending(100);
      expect(entries.at(-1)?.record).toMatchObject({
        seq: 6,
        action: 'audit.alert',
        actor: { userId: null, role: null },
        outcome: 'failure',
        reason: 'AUDIT_LOCAL_SEQUENCE_GAP',
      });
    });
  });

  it('belongs to one device: another device key cannot open it, and another device id is refused', async () => {
    const { dataDir, identity, log } = await freshLog();
    await log.append(opened('nurse.adams', 1));
    await log.close();
    open.splice(0);
    const otherIdentity = await identityIn(mkdtempSync(path.join(os.tmpdir(), 'wardline-device-audit-')));
    await expect(openDeviceAuditLog({ dataDir, identity: otherIdentity })).rejects.toMatchObject({
      code: 'AUDIT_UNAVAILABLE',
    });
    const renamed: DeviceIdentity = { ...identity, deviceId: otherIdentity.deviceId };
    await expect(openDeviceAuditLog({ dataDir, identity: renamed })).rejects.toMatchObject({
      code: 'AUDIT_DEVICE_MISMATCH',
    });
    const reopened = await openDeviceAuditLog({ dataDir, identity });
    open.push(reopened);
    expect(await reopened.verify()).toEqual({ ok: true, value: { lastSeq: 1, records: 1 } });
  });
});
