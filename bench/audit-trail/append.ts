/**
 * Part 1 of the audit-trail bench (see audit-trail.bench.ts): durable appends to the device audit
 * log by concurrent producers, against plain SQLite inserts of the same rows in the same groups.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Db } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { openDeviceAuditLog } from '../../main/audit/device-audit-log';
import { deviceLogOps, type UnplacedRecord } from '../../main/audit/device-log-ops';
import { DEVICE_LOG_MIGRATIONS } from '../../main/audit/device-log-schema';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from '../../main/device/device-identity';
import { createMachineFileProtector } from '../../main/keys/device-protector';
import { migrate } from '../../main/store/migrations';
import { openSqlCipher, VAULT_PRAGMAS } from '../../main/store/sqlcipher-connection';
import { canonicalRecord } from '../../shared/audit/audit-chain';
import { checkAuditRecord } from '../../shared/audit/audit-event';
import { loadSodium } from '../../shared/node/crypto/sodium';
import type { Figure } from '../bench-kit';
import { cpuMs, describeLoad, loadOver, machineBusyMs } from '../support/machine-load';
import { percentile, round } from '../support/stats';
import { ms, rate, timed } from '../support/timing';
import { drive, idPool, placed, PRODUCERS, RECORDS, unplaced } from './fixtures';
import { watchAppendGroups } from './probes';

const APPEND_ROUNDS = 4;
const APPEND_WARMUP = 2_000;

async function deviceIdentityIn(dataDir: string): Promise<DeviceIdentity> {
  const loaded = await loadOrCreateDeviceIdentity({
    dataDir,
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
  });
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.value;
}

function plainDeviceLog(file: string): Db {
  const db = new Database(file) as unknown as Db;
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  for (const pragma of VAULT_PRAGMAS) db.pragma(pragma);
  migrate(db, DEVICE_LOG_MIGRATIONS);
  return db;
}

/** The baseline: `texts` inserted durably in transactions of exactly `groups` sizes; answers ms. */
function plainInserts(db: Db, texts: readonly string[], firstSeq: number, groups: readonly number[]): number {
  const insert = db.prepare('INSERT INTO records (seq, record, previous_hash, hash) VALUES (?, ?, ?, ?)');
  const placeholder = Buffer.alloc(32);
  let at = 0;
  const started = performance.now();
  for (const size of groups) {
    const from = at;
    db.transaction(() => {
      for (let k = from; k < from + size; k += 1) insert.run(firstSeq + k, texts[k], placeholder, placeholder);
    })();
    at += size;
  }
  if (at !== texts.length) throw new Error(`groups cover ${String(at)} records, expected ${String(texts.length)}`);
  return performance.now() - started;
}

/** The log's own transaction (deviceLogOps['log.append']) run directly on `db`, in groups of exactly `groups`; answers ms. */
function directAppends(db: Db, records: readonly UnplacedRecord[], groups: readonly number[]): number {
  const slices: UnplacedRecord[][] = [];
  let at = 0;
  for (const size of groups) {
    slices.push(records.slice(at, at + size));
    at += size;
  }
  const started = performance.now();
  for (const slice of slices) deviceLogOps['log.append'](db, { records: slice });
  return performance.now() - started;
}

export async function appendThroughput(root: string): Promise<Record<string, Figure>> {
  await loadSodium();
  const ids = idPool();
  const dataDir = mkdtempSync(path.join(root, 'append-'));
  const identity = await deviceIdentityIn(dataDir);
  const log = await openDeviceAuditLog({ dataDir, identity });
  const plain = plainDeviceLog(path.join(dataDir, 'plain.db'));
  // For the breakdown: the log's own append transaction on this thread, without the worker or
  // main's checks, on an unencrypted and on an encrypted (SQLCipher, as the log's) connection.
  const opsPlain = plainDeviceLog(path.join(dataDir, 'ops-plain.db'));
  const opsEncrypted = openSqlCipher(path.join(dataDir, 'ops-encrypted.db'), new Uint8Array(randomBytes(32)), {
    create: true,
    migrations: DEVICE_LOG_MIGRATIONS,
  });
  for (const db of [opsPlain, opsEncrypted]) deviceLogOps['log.init'](db, { deviceId: identity.deviceId });
  const groups = watchAppendGroups();
  const perRound = Math.floor(RECORDS / APPEND_ROUNDS);
  const latencies = new Float64Array(perRound * APPEND_ROUNDS);
  const allGroups: number[] = [];
  const time = { log: 0, plain: 0, opsPlain: 0, opsEncrypted: 0, check: 0 };
  const busyBefore = machineBusyMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    // Warm-up (JIT, worker, page cache), every side.
    await drive(log, ids, 0, APPEND_WARMUP, PRODUCERS, null);
    const warmGroups = groups.take();
    plainInserts(
      plain,
      Array.from({ length: APPEND_WARMUP }, (_, k) => canonicalRecord(placed(k, ids, k + 1, identity.deviceId))),
      1,
      warmGroups,
    );
    const warmRecords = Array.from({ length: APPEND_WARMUP }, (_, k) => unplaced(k, ids));
    directAppends(opsPlain, warmRecords, warmGroups);
    directAppends(opsEncrypted, warmRecords, warmGroups);

    let seq = APPEND_WARMUP;
    for (let round = 0; round < APPEND_ROUNDS; round += 1) {
      const from = APPEND_WARMUP + round * perRound;
      time.log += await drive(log, ids, from, perRound, PRODUCERS, latencies, round * perRound);
      const sizes = groups.take();
      allGroups.push(...sizes);
      // The same canonical text the log stored for these records (seq and workstation included).
      const texts = Array.from({ length: perRound }, (_, k) =>
        canonicalRecord(placed(from + k, ids, seq + k + 1, identity.deviceId)),
      );
      time.plain += plainInserts(plain, texts, seq + 1, sizes);
      const records = Array.from({ length: perRound }, (_, k) => unplaced(from + k, ids));
      time.opsPlain += directAppends(opsPlain, records, sizes);
      time.opsEncrypted += directAppends(opsEncrypted, records, sizes);
      time.check += timed(() => {
        for (const record of records)
          if (!checkAuditRecord({ ...record, seq: 0, workstationId: identity.deviceId }).ok)
            throw new Error('record refused');
      });
      seq += perRound;
    }
    const state = await log.state();
    if (state.lastSeq !== seq) throw new Error(`log holds ${String(state.lastSeq)} records, expected ${String(seq)}`);
    const check = await log.verify();
    if (!check.ok) throw new Error(`log does not verify: ${JSON.stringify(check)}`);
  } finally {
    groups.stop();
    plain.close();
    opsPlain.close();
    opsEncrypted.close();
    await log.close();
    identity.close();
  }
  const load = loadOver(busyBefore, machineBusyMs(), ms(started), cpuMs(process.cpuUsage(cpuBefore)));
  const total = perRound * APPEND_ROUNDS;
  const logRate = rate(total, time.log);
  const plainRate = rate(total, time.plain);
  const lat = Array.from(latencies);
  const perRecord = (t: number) => round((t * 1000) / total, 2);
  process.stdout.write(
    `appends: ${String(total)} by ${String(PRODUCERS)} producers in ${String(allGroups.length)} groups (mean ${(total / allGroups.length).toFixed(1)}, ` +
      `min ${String(Math.min(...allGroups))}, max ${String(Math.max(...allGroups))}); ${describeLoad(load)}\n`,
  );
  console.table([
    {
      'append path (same records, same group sizes)': 'plain insert of the canonical text (baseline)',
      'µs/record': perRecord(time.plain),
      'records/s': Math.round(rate(total, time.plain)),
    },
    {
      'append path (same records, same group sizes)':
        "log's append transaction, unencrypted db (+ canonical, BLAKE2b chain)",
      'µs/record': perRecord(time.opsPlain),
      'records/s': Math.round(rate(total, time.opsPlain)),
    },
    {
      'append path (same records, same group sizes)': "log's append transaction, SQLCipher db (+ encryption)",
      'µs/record': perRecord(time.opsEncrypted),
      'records/s': Math.round(rate(total, time.opsEncrypted)),
    },
    {
      'append path (same records, same group sizes)': 'the device log: + catalogue check, group queue, store worker',
      'µs/record': perRecord(time.log),
      'records/s': Math.round(logRate),
    },
    {
      'append path (same records, same group sizes)': '  of which: catalogue check (zod) on main, alone',
      'µs/record': perRecord(time.check),
      'records/s': Math.round(rate(total, time.check)),
    },
  ]);
  return {
    append_per_s: { value: Math.round(logRate), unit: 'appends/s', goal: '>= 20000' },
    append_plain_baseline_per_s: { value: Math.round(plainRate), unit: 'inserts/s', goal: null },
    append_ratio_vs_plain: { value: round(logRate / plainRate, 3), unit: 'ratio', goal: null },
    append_p50_ms: { value: round(percentile(lat, 50), 3), unit: 'ms', goal: null },
    append_p99_ms: { value: round(percentile(lat, 99), 3), unit: 'ms', goal: null },
    append_mean_group: { value: round(total / allGroups.length, 1), unit: 'records/commit', goal: null },
    append_direct_transaction_sqlcipher_per_s: {
      value: Math.round(rate(total, time.opsEncrypted)),
      unit: 'records/s',
      goal: null,
    },
    append_direct_transaction_plain_per_s: {
      value: Math.round(rate(total, time.opsPlain)),
      unit: 'records/s',
      goal: null,
    },
  };
}
