/**
 * The audit trail's three throughput goals, each against a baseline measured in the same run:
 *
 * 1. Durable appends to the device audit log (main/audit/device-audit-log.ts), driven as main
 *    drives it: PRODUCERS concurrent callers, each awaiting its append before issuing the next,
 *    on a real directory on disk (os.tmpdir(); the bench prints the filesystem). The log
 *    group-commits whatever arrived together: the group sizes it chose are read off its store
 *    worker's messages. BASELINE: the same rows (the same canonical text, 32-byte placeholder
 *    hashes) inserted into an unencrypted database of the same binding, same schema and pragmas
 *    (exclusive lock, WAL, synchronous FULL), in transactions of exactly those group sizes, on
 *    this thread, without hashing, chaining, zod checks or the worker. Interleaved rounds.
 * 2. Offline verification (server/audit/trail-verifier.ts) of a full export: 20 workstations'
 *    real BLAKE2b chains, Ed25519-signed batches of 500, a signed tree head per batch, built in
 *    setup the way the server builds them. BASELINE: BLAKE2b of each record's canonical text
 *    once (the irreducible cost of checking a chain). A stage table splits the verifier's time.
 * 3. Catch-up sync of RECORDS queued records from a real core (signed in through its router, so
 *    its device is registered) to a real server in a child process, on PGlite and PostgreSQL:
 *    `core.audit.syncNow()` until everything is acknowledged. BASELINE: a second registered
 *    device POSTs the same number of records, pre-chained and pre-signed in batches of 500,
 *    through the same API client and server, with the same knownTreeSize, without reading a
 *    log, checking acknowledgements, writing the witnessed head or deleting what was acked.
 *    Half of the baseline runs before the core's sync and half after, so both see the same
 *    table sizes on average.
 *
 * WARDLINE_BENCH_AUDIT_PARTS (default "append,verify,sync") picks the parts to run;
 * WARDLINE_BENCH_AUDIT_RECORDS (default 100000) sets the append and sync counts (the verified
 * export is twice that); WARDLINE_BENCH_AUDIT_DATABASES (default "pglite,postgres") picks the
 * servers for part 3; WARDLINE_BENCH_PROFILE=<dir> writes a CPU profile of the server child
 * during each sync.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Db } from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { openDeviceAuditLog, type DeviceAuditLog } from '../main/audit/device-audit-log';
import { deviceLogOps, type UnplacedRecord } from '../main/audit/device-log-ops';
import { DEVICE_LOG_MIGRATIONS } from '../main/audit/device-log-schema';
import type { AppCore } from '../main/core/app-core';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from '../main/device/device-identity';
import { loginProof } from '../main/device/device-proof';
import { createMachineFileProtector } from '../main/keys/device-protector';
import { loadSodium, type Sodium } from '../shared/node/crypto/sodium';
import { createApiClient } from '../main/server-link/api-client';
import type { ServerEndpoint } from '../main/server-link/server-endpoint';
import { migrate } from '../main/store/migrations';
import { openSqlCipher, VAULT_PRAGMAS } from '../main/store/sqlcipher-connection';
import { createMerkleLog } from '../shared/audit/merkle-log';
import { verifyTrail } from '../shared/node/audit/trail-verifier';
import type { ExportedEntry, TrailExport } from '../shared/audit/trail-export';
import { nodeVerifyCrypto } from '../shared/node/audit/verify-crypto';
import type { StoredBatch } from '../shared/audit/trail-export';
import {
  batchSigningBytes,
  canonicalRecord,
  checkEntries,
  entryHash,
  GENESIS_HASH,
  hex,
  treeHeadSigningBytes,
} from '../shared/audit/audit-chain';
import type { ChainedEntry, SignedTreeHead } from '../shared/audit/audit-entry';
import { checkAuditRecord, type AuditRecord } from '../shared/audit/audit-event';
import { blake2b256 } from '../shared/audit/blake2b';
import { merkleTree, type Hash } from '../shared/audit/merkle-tree';
import { AUDIT_BATCH_MAX, routes } from '../shared/protocol/api';
import { startPostgres, type PostgresCluster } from '../test/support/postgres';
import type { Benchmark, Figure } from './bench-kit';
import type { ServerTrace } from './support/audit-server-child';
import { createBenchCore, signIn } from './support/bench-core';
import { repoRoot, startChild, type ChildHandle } from './support/child-rpc';
import { benchAccount, deriveAccountKeys, totpCode, type BenchAccount } from './support/clients';
import { cpuMs, cpuOf, describeLoad, loadOver, machineBusyMs, postgresCpuMs } from './support/machine-load';
import { profiled } from './support/server-process';
import { median, percentile, round, sum } from './support/stats';
import { ms, rate, sleep, timed } from './support/timing';

const PARTS = new Set(
  (process.env.WARDLINE_BENCH_AUDIT_PARTS ?? 'append,verify,sync').split(',').map((part) => part.trim()),
);
const RECORDS = Number(process.env.WARDLINE_BENCH_AUDIT_RECORDS ?? 100_000);
const DATABASES = (process.env.WARDLINE_BENCH_AUDIT_DATABASES ?? 'pglite,postgres')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is 'pglite' | 'postgres' => name === 'pglite' || name === 'postgres');
/** Concurrent callers of append: main's IPC handlers, sync, lifecycle events on a busy workstation. */
const PRODUCERS = 64;
const APPEND_ROUNDS = 4;
const APPEND_WARMUP = 2_000;
const VERIFY_RECORDS = RECORDS * 2;
const VERIFY_WORKSTATIONS = 20;
const VERIFY_REPEATS = 3;
const BATCH = AUDIT_BATCH_MAX;
const BASE_AT = 1_795_000_000_000;
/** The server's own chain in a built export (its sessions attest the workstations' records). */
const SERVER_CHAIN = '5e7e7e7e-0000-4000-8000-000000000001';

// ---------------------------------------------------------------------------------------------
// Records: what a busy ward workstation writes (ids and codes only, as the catalogue allows).

const USERS = [
  ['nurse.adams', 'nurse'],
  ['dr.okafor', 'physician'],
  ['nurse.okoro', 'nurse'],
  ['dr.singh', 'physician'],
  ['desk.patel', 'front-desk'],
  ['nurse.li', 'nurse'],
  ['dr.moreau', 'physician'],
  ['nurse.brennan', 'nurse'],
] as const;

interface IdPool {
  readonly conversations: readonly string[];
  readonly messages: readonly string[];
  readonly patients: readonly string[];
}

function idPool(): IdPool {
  return {
    conversations: Array.from({ length: 512 }, () => randomUUID()),
    messages: Array.from({ length: 8192 }, () => randomUUID()),
    patients: Array.from(
      { length: 256 },
      (_, i) => `pat-${(0x5a00 + i * 37).toString(36).toUpperCase()}${String(i).padStart(4, '0')}`,
    ),
  };
}

function unplaced(i: number, ids: IdPool): UnplacedRecord {
  const [userId, role] = USERS[i % USERS.length]!;
  const actor = { userId, role };
  const conversationId = ids.conversations[(i * 7) % ids.conversations.length]!;
  const patient = i % 3 === 0 ? ids.patients[i % ids.patients.length]! : null;
  const at = BASE_AT + i * 11;
  const message = { kind: 'message' as const, id: ids.messages[i % ids.messages.length]!, conversationId };
  switch (i % 6) {
    case 0:
      return {
        actor,
        action: 'conversation.opened',
        object: { kind: 'conversation', id: conversationId },
        patient,
        at,
        outcome: 'success',
        reason: null,
      };
    case 1:
      return { actor, action: 'message.sent', object: message, patient, at, outcome: 'success', reason: null };
    case 2:
      return { actor, action: 'message.received', object: message, patient, at, outcome: 'success', reason: null };
    case 3:
      return { actor, action: 'message.read', object: message, patient, at, outcome: 'success', reason: null };
    case 4:
      return {
        actor,
        action: 'search.performed',
        object: { kind: 'search', resultCount: i % 41 },
        patient: null,
        at,
        outcome: 'success',
        reason: null,
      };
    default:
      return i % 60 === 5
        ? {
            actor: { userId: null, role: null },
            action: 'sign-in.failed',
            object: { kind: 'none' },
            patient: null,
            at,
            outcome: 'failure',
            reason: 'AUTH_FAILED',
          }
        : {
            actor,
            action: 'session.locked',
            object: { kind: 'none' },
            patient: null,
            at,
            outcome: 'success',
            reason: null,
          };
  }
}

const placed = (i: number, ids: IdPool, seq: number, workstationId: string): AuditRecord => ({
  ...unplaced(i, ids),
  seq,
  workstationId,
});

const sha256 = (...parts: readonly Uint8Array[]): Hash => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

/** `df` of the directory the bench writes to: the disk the durable appends and servers land on. */
function diskOf(dir: string): string {
  try {
    const lines = execFileSync('df', ['-T', dir], { encoding: 'utf8' }).trim().split('\n');
    const [device, type] = (lines[1] ?? '').split(/\s+/);
    return `${String(device)} (${String(type)})`;
  } catch {
    return 'unknown filesystem';
  }
}

async function deviceIdentityIn(dataDir: string): Promise<DeviceIdentity> {
  const loaded = await loadOrCreateDeviceIdentity({
    dataDir,
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
  });
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.value;
}

/**
 * `count` appends of records `from`..`from+count-1`, issued by `producers` concurrent callers
 * each awaiting its append before its next; latencies (ms) are written from `latencies[at]` on.
 */
async function drive(
  log: DeviceAuditLog,
  ids: IdPool,
  from: number,
  count: number,
  producers: number,
  latencies: Float64Array | null,
  at = 0,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: producers }, async () => {
      for (;;) {
        const k = next++;
        if (k >= count) return;
        const issued = performance.now();
        await log.append(unplaced(from + k, ids));
        if (latencies !== null) latencies[at + k] = performance.now() - issued;
      }
    }),
  );
  return performance.now() - started;
}

/**
 * The sizes of the groups the log commits, read off the `log.append` calls main posts to its
 * store worker (nothing else posts one). Bench-only instrumentation of Worker#postMessage.
 */
function watchAppendGroups(): { take(): number[]; stop(): void } {
  type PostMessage = (this: Worker, value: unknown, transferList?: unknown) => void;
  const proto = Worker.prototype as unknown as { postMessage: PostMessage };
  const original = proto.postMessage;
  let sizes: number[] = [];
  proto.postMessage = function (this: Worker, value: unknown, transferList?: unknown) {
    const message = value as { type?: unknown; op?: unknown; args?: { records?: unknown } } | null;
    if (
      message !== null &&
      typeof message === 'object' &&
      message.type === 'call' &&
      message.op === 'log.append' &&
      Array.isArray(message.args?.records)
    ) {
      sizes.push(message.args.records.length);
    }
    original.call(this, value, transferList);
  };
  return {
    take() {
      const taken = sizes;
      sizes = [];
      return taken;
    },
    stop() {
      proto.postMessage = original;
    },
  };
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

async function appendThroughput(root: string): Promise<Record<string, Figure>> {
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

// ---------------------------------------------------------------------------------------------
// 2. Verification of a full export.

function signBase64(sodium: Sodium, message: Uint8Array, privateKey: Uint8Array): string {
  return Buffer.from(sodium.crypto_sign_detached(message, privateKey)).toString('base64');
}

/**
 * A full export as the server would produce it: each workstation's chain from genesis, its
 * batches of BATCH signed by its device key, arriving round-robin; each batch appended to the
 * tree and a head signed over it. Round-tripped through JSON, as a file export is read back.
 */
function buildExport(sodium: Sodium, total: number, workstations: number): TrailExport {
  const ids = idPool();
  const auditKey = sodium.crypto_sign_keypair();
  const tree = merkleTree(sha256);
  const log = createMerkleLog(sha256);
  const devices = Array.from({ length: workstations }, (_, w) => ({
    id: randomUUID(),
    keys: sodium.crypto_sign_keypair(),
    seq: 0,
    previous: GENESIS_HASH,
    remaining: Math.floor(total / workstations) + (w < total % workstations ? 1 : 0),
  }));
  const entries: ExportedEntry[] = [];
  const batches: StoredBatch[] = [];
  const heads: SignedTreeHead[] = [];
  let counter = 0;
  for (let round = 0; devices.some((d) => d.remaining > 0); round += 1) {
    for (const device of devices) {
      const n = Math.min(BATCH, device.remaining);
      if (n === 0) continue;
      const firstPrevious = device.previous;
      const leaves: Hash[] = [];
      for (let k = 0; k < n; k += 1) {
        device.seq += 1;
        const record = placed(counter++, ids, device.seq, device.id);
        const hash = entryHash(blake2b256, device.previous, record);
        entries.push({
          entry: { record, previousHash: hex(device.previous), hash: hex(hash), treeIndex: log.size + k },
          inclusionProof: null,
        });
        leaves.push(tree.leafHash(hash));
        device.previous = hash;
      }
      device.remaining -= n;
      const signed = batchSigningBytes({
        deviceId: device.id,
        firstSeq: device.seq - n + 1,
        lastSeq: device.seq,
        previousHash: firstPrevious,
        lastHash: device.previous,
      });
      batches.push({
        workstationId: device.id,
        firstSeq: device.seq - n + 1,
        lastSeq: device.seq,
        previousHash: hex(firstPrevious),
        lastHash: hex(device.previous),
        signature: signBase64(sodium, signed, device.keys.privateKey),
        devicePublicKey: Buffer.from(device.keys.publicKey).toString('base64'),
      });
      log.append(leaves);
      const head = { treeSize: log.size, timestamp: BASE_AT + round * 1000 + heads.length, rootHash: log.root() };
      heads.push({
        treeSize: head.treeSize,
        timestamp: head.timestamp,
        rootHash: hex(head.rootHash),
        signature: signBase64(sodium, treeHeadSigningBytes(head), auditKey.privateKey),
      });
    }
  }
  // The server's own chain, signed with the audit key: a session of every user on every
  // workstation for the whole run, so each record in a person's name is attested as in life.
  const sessions = devices.flatMap((device) => USERS.map(([userId, role]) => ({ device, userId, role })));
  let previous = GENESIS_HASH;
  const leaves: Hash[] = [];
  sessions.forEach(({ device, userId, role }, i) => {
    const record: AuditRecord = {
      actor: { userId, role },
      action: 'session.issued',
      object: {
        kind: 'session',
        id: randomUUID(),
        userId,
        workstationId: device.id,
        until: BASE_AT + 20 * total + 3_600_000,
      },
      patient: null,
      at: BASE_AT - 1000,
      seq: i + 1,
      workstationId: SERVER_CHAIN,
      outcome: 'success',
      reason: null,
    };
    const hash = entryHash(blake2b256, previous, record);
    entries.push({
      entry: { record, previousHash: hex(previous), hash: hex(hash), treeIndex: log.size + i },
      inclusionProof: null,
    });
    leaves.push(tree.leafHash(hash));
    previous = hash;
  });
  const signed = batchSigningBytes({
    deviceId: SERVER_CHAIN,
    firstSeq: 1,
    lastSeq: sessions.length,
    previousHash: GENESIS_HASH,
    lastHash: previous,
  });
  batches.push({
    workstationId: SERVER_CHAIN,
    firstSeq: 1,
    lastSeq: sessions.length,
    previousHash: hex(GENESIS_HASH),
    lastHash: hex(previous),
    signature: signBase64(sodium, signed, auditKey.privateKey),
    devicePublicKey: Buffer.from(auditKey.publicKey).toString('base64'),
  });
  log.append(leaves);
  const last = { treeSize: log.size, timestamp: BASE_AT + 20 * total + heads.length, rootHash: log.root() };
  heads.push({
    treeSize: last.treeSize,
    timestamp: last.timestamp,
    rootHash: hex(last.rootHash),
    signature: signBase64(sodium, treeHeadSigningBytes(last), auditKey.privateKey),
  });
  const trail: TrailExport = { entries, heads, batches, auditKey: Buffer.from(auditKey.publicKey).toString('base64') };
  return JSON.parse(JSON.stringify(trail)) as TrailExport;
}

async function verification(): Promise<Record<string, Figure>> {
  const sodium = await loadSodium();
  const built = performance.now();
  const trail = buildExport(sodium, VERIFY_RECORDS, VERIFY_WORKSTATIONS);
  const setupMs = ms(built);
  // The functions audit:verify itself runs on.
  const crypto = nodeVerifyCrypto(sodium);
  const encoder = new TextEncoder();
  const records = trail.entries.map((e) => e.entry.record);
  const encoded = records.map((r) => encoder.encode(canonicalRecord(r)));

  // Warm-up of both (it also starts the tree worker, as a first audit:verify would), then interleaved timed runs.
  // A small export of its own: a slice of the big one would leave records outside its heads and batches.
  const warm = await verifyTrail(buildExport(sodium, 20_000, VERIFY_WORKSTATIONS), crypto);
  if (!warm.ok) throw new Error('warm-up export does not verify');
  const verifyRuns: number[] = [];
  const baselineRuns: number[] = [];
  const hashOnlyRuns: number[] = [];
  let sink = 0;
  const busyBefore = machineBusyMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let r = 0; r < VERIFY_REPEATS; r += 1) {
    const verifyStarted = performance.now();
    const result = await verifyTrail(trail, crypto);
    verifyRuns.push(ms(verifyStarted));
    if (
      !result.ok ||
      result.records !== VERIFY_RECORDS + VERIFY_WORKSTATIONS * USERS.length ||
      result.batches !== trail.batches.length ||
      result.heads !== trail.heads.length
    ) {
      throw new Error(`export does not verify: ${JSON.stringify(result.breaks.slice(0, 3))}`);
    }
    baselineRuns.push(
      timed(() => {
        for (const record of records) sink += blake2b256(encoder.encode(canonicalRecord(record)))[0] ?? 0;
      }),
    );
    hashOnlyRuns.push(
      timed(() => {
        for (const bytes of encoded) sink += blake2b256(bytes)[0] ?? 0;
      }),
    );
  }
  if (sink < 0) throw new Error('unreachable');
  const load = loadOver(busyBefore, machineBusyMs(), ms(started), cpuMs(process.cpuUsage(cpuBefore)));
  const verifyMs = median(verifyRuns);
  process.stdout.write(
    `verify: ${String(VERIFY_RECORDS)} records, ${String(VERIFY_WORKSTATIONS)} workstations, ${String(trail.batches.length)} batches, ${String(trail.heads.length)} heads ` +
      `(built in ${(setupMs / 1000).toFixed(1)} s); verifyTrail runs ${verifyRuns.map((t) => t.toFixed(0)).join('/')} ms; ${describeLoad(load)}\n`,
  );
  const verifyRate = rate(VERIFY_RECORDS, verifyMs);
  const baselineRate = rate(VERIFY_RECORDS, median(baselineRuns));
  return {
    verify_records_per_s: { value: Math.round(verifyRate), unit: 'records/s', goal: '>= 200000' },
    verify_blake2b_baseline_per_s: { value: Math.round(baselineRate), unit: 'records/s', goal: null },
    verify_ratio_vs_blake2b: { value: round(verifyRate / baselineRate, 3), unit: 'ratio', goal: null },
    verify_blake2b_hash_only_per_s: {
      value: Math.round(rate(VERIFY_RECORDS, median(hashOnlyRuns))),
      unit: 'records/s',
      goal: null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Catch-up sync to a real server.

interface Stored {
  readonly records: number;
  readonly inOrder: boolean;
  readonly treeSize: number;
}

/** A device registered by signing in (password with device proof, then TOTP), for the raw baseline. */
async function registeredDevice(
  endpoint: ServerEndpoint,
  account: BenchAccount,
  dataDir: string,
): Promise<DeviceIdentity> {
  const loaded = await loadOrCreateDeviceIdentity({ dataDir, device: null, allowUnprotectedDevice: true });
  if (!loaded.ok) throw new Error(loaded.error);
  const device = loaded.value;
  const keys = await deriveAccountKeys(endpoint, account);
  const api = createApiClient(endpoint);
  try {
    const login = await api.call('login', {
      userId: account.userId,
      authKey: Buffer.from(keys.authKey).toString('base64'),
      device: { publicKey: device.publicKey, name: 'bench raw poster' },
      proof: await loginProof(device, account.userId, Date.now()),
    });
    if (!login.ok || login.value.step !== 'mfa')
      throw new Error(`login ${account.userId}: ${login.ok ? login.value.step : login.error.code}`);
    const verified = await api.call('verifyMfa', { challengeId: login.value.challengeId, code: totpCode(account) });
    if (!verified.ok) throw new Error(`verifyMfa ${account.userId}: ${verified.error.code}`);
  } finally {
    keys.authKey.fill(0);
    keys.wrapKey.fill(0);
    api.close();
  }
  return device;
}

interface RawBatch {
  readonly entries: ChainedEntry[];
  readonly signature: string;
}

/** `count` records of `device`'s chain from genesis, in signed batches of BATCH. */
async function rawBatches(device: DeviceIdentity, ids: IdPool, count: number): Promise<RawBatch[]> {
  const batches: RawBatch[] = [];
  let previous: Uint8Array = GENESIS_HASH;
  for (let first = 1; first <= count; first += BATCH) {
    const entries: ChainedEntry[] = [];
    const firstPrevious = previous;
    for (let seq = first; seq < Math.min(first + BATCH, count + 1); seq += 1) {
      const record = placed(seq, ids, seq, device.deviceId);
      const hash = entryHash(blake2b256, previous, record);
      entries.push({ record, previousHash: hex(previous), hash: hex(hash) });
      previous = hash;
    }
    const last = entries.at(-1)!;
    const signature = await device.sign(
      batchSigningBytes({
        deviceId: device.deviceId,
        firstSeq: first,
        lastSeq: last.record.seq,
        previousHash: firstPrevious,
        lastHash: previous,
      }),
    );
    batches.push({ entries, signature: Buffer.from(signature).toString('base64') });
  }
  return batches;
}

/** Client-side durations (ms) of this process's POSTs to the audit batch route, while subscribed. */
function traceBatchPosts(): { take(): number[]; stop(): void } {
  const open = new WeakMap<ClientRequest, number>();
  let done: number[] = [];
  const onStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (request.path === '/v1/audit/batches') open.set(request, performance.now());
  };
  const onFinish = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const at = open.get(request);
    if (at !== undefined) done.push(performance.now() - at);
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  diagnostics.subscribe('http.client.response.finish', onFinish);
  return {
    take() {
      const taken = done;
      done = [];
      return taken;
    },
    stop() {
      diagnostics.unsubscribe('http.client.request.start', onStart);
      diagnostics.unsubscribe('http.client.response.finish', onFinish);
    },
  };
}

/** Times the log's `pending` and `acknowledge` as the sync calls them (the sync holds this same object). */
function timeLogCalls(log: DeviceAuditLog): { pendingMs: () => number; acknowledgeMs: () => number; restore(): void } {
  const target = log as { -readonly [K in keyof DeviceAuditLog]: DeviceAuditLog[K] };
  const { pending, acknowledge } = target;
  let pendingMs = 0;
  let acknowledgeMs = 0;
  target.pending = async (limit) => {
    const started = performance.now();
    try {
      return await pending(limit);
    } finally {
      pendingMs += ms(started);
    }
  };
  target.acknowledge = async (seq, hash) => {
    const started = performance.now();
    try {
      return await acknowledge(seq, hash);
    } finally {
      acknowledgeMs += ms(started);
    }
  };
  return {
    pendingMs: () => pendingMs,
    acknowledgeMs: () => acknowledgeMs,
    restore() {
      target.pending = pending;
      target.acknowledge = acknowledge;
    },
  };
}

/**
 * The per-batch JavaScript both ends do besides the database, measured here on the same batches
 * with the same functions (median over up to 20 batches): what the client's API call and the
 * server's route do to a 500-record request before and around the handler.
 */
function batchCosts(batches: readonly RawBatch[], deviceId: string): Record<string, string | number>[] {
  const sample = batches.slice(0, 20);
  const spec = routes.auditBatch;
  const bodies = sample.map((b) => ({ deviceId, entries: b.entries, signature: b.signature, knownTreeSize: 1000 }));
  const texts = bodies.map((body) => JSON.stringify(body));
  const each = (body: (i: number) => unknown) => median(sample.map((_, i) => timed(() => body(i))));
  const rows: [string, string, number][] = [
    [
      'both',
      'zod check of the request (client before sending, server route)',
      each((i) => spec.request.safeParse(bodies[i])),
    ],
    ['client', 'JSON.stringify of the request', each((i) => JSON.stringify(bodies[i]))],
    ['server', 'JSON.parse of the request body', each((i) => JSON.parse(texts[i]!))],
    [
      'server',
      'checkEntries: the chain of 500 (fromHex, canonical, BLAKE2b, hex)',
      each((i) => checkEntries(blake2b256, sample[i]!.entries, deviceId)),
    ],
  ];
  return rows.map(([side, step, t]) => ({
    side,
    'per-batch JS step (measured here)': step,
    'ms/batch': round(t, 2),
    'request KiB': round((texts[0]?.length ?? 0) / 1024, 0),
  }));
}

async function catchUp(database: 'pglite' | 'postgres', root: string): Promise<Record<string, Figure>> {
  const dir = mkdtempSync(path.join(root, `sync-${database}-`));
  const ids = idPool();
  let cluster: PostgresCluster | null = null;
  let server: ChildHandle | null = null;
  let core: AppCore | null = null;
  let rawDevice: DeviceIdentity | null = null;
  const poster = { api: null as ReturnType<typeof createApiClient> | null };
  const posts = traceBatchPosts();
  try {
    const setupStarted = performance.now();
    if (database === 'postgres') cluster = await startPostgres();
    const databaseUrl = cluster === null ? undefined : await cluster.createDatabase();
    const postgresPort = databaseUrl === undefined ? null : Number(new URL(databaseUrl).port);
    const postgresCpu = () => (postgresPort === null ? 0 : (postgresCpuMs(postgresPort) ?? 0));
    server = await startChild(path.join(repoRoot, 'bench/support/audit-server-child.ts'));
    const endpoint = await server.call<ServerEndpoint>('start', {
      dataDir: path.join(dir, 'server'),
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
    });
    const clinician = benchAccount(`audit.sync.${database}`, 'nurse', 'Philippa Adams');
    const rawAccount = benchAccount(`audit.raw.${database}`, 'nurse', 'Bench Poster');
    await server.call('createAccounts', [clinician, rawAccount], 600_000);

    // The workstation: the real core, signed in through its router (this registers its device).
    core = createBenchCore(dir, endpoint);
    await signIn(core, clinician);
    // What the sign-in recorded goes first (and any sync it kicked has finished).
    for (let settled = 0; settled < 2;) {
      const outcome = await core.audit.syncNow();
      if (outcome?.kind !== 'synced') throw new Error(`initial sync: ${JSON.stringify(outcome)}`);
      await sleep(400);
      settled = outcome.sent === 0 ? settled + 1 : 0;
    }
    const log = await core.audit.log();
    const before = await log.state();
    if ((await log.pendingCount()) !== 0 || before.ackedSeq !== before.lastSeq)
      throw new Error('records still pending after the initial sync');

    // The raw poster's device, and its batches, pre-chained and pre-signed.
    rawDevice = await registeredDevice(endpoint, rawAccount, mkdtempSync(path.join(dir, 'raw-')));
    const rawId = rawDevice.deviceId;
    const batches = await rawBatches(rawDevice, ids, RECORDS);
    poster.api = createApiClient(endpoint);
    const api = poster.api;
    let knownTreeSize = 0;
    const postRaw = async (list: readonly RawBatch[]): Promise<number> => {
      const started = performance.now();
      for (const batch of list) {
        const answer = await api.call('auditBatch', {
          deviceId: rawId,
          entries: batch.entries,
          signature: batch.signature,
          knownTreeSize,
        });
        if (!answer.ok) throw new Error(`raw batch: ${answer.error.code}`);
        if (answer.value.ackedSeq !== batch.entries.at(-1)!.record.seq)
          throw new Error('raw batch acknowledged the wrong seq');
        knownTreeSize = answer.value.head.treeSize;
      }
      return ms(started);
    };
    const setupSeconds = ms(setupStarted) / 1000;

    // RECORDS queued while nothing syncs: appended directly (a direct append does not kick the sync).
    const appendMs = await drive(log, ids, 0, RECORDS, PRODUCERS, null);
    const queued = await log.state();
    const pending = await log.pendingCount();
    if (pending !== RECORDS || queued.ackedSeq !== before.ackedSeq || queued.lastSeq !== before.lastSeq + RECORDS) {
      throw new Error(
        `expected ${String(RECORDS)} queued records, found ${String(pending)} (acked ${String(queued.ackedSeq)}, was ${String(before.ackedSeq)})`,
      );
    }

    // Baseline, first half.
    const half = Math.floor(batches.length / 2);
    await server.call('trace');
    posts.take();
    let rawMs = await postRaw(batches.slice(0, half));
    const rawPosts = posts.take();
    const rawServer = [await server.call<ServerTrace>('trace')];

    // The measurement: the core's own sync, until everything is acknowledged.
    const timedLog = timeLogCalls(log);
    const serverCpuBefore = await cpuOf(server);
    const postgresCpuBefore = postgresCpu();
    const ownCpuBefore = process.cpuUsage();
    const busyBefore = machineBusyMs();
    const started = performance.now();
    const syncing = core.audit;
    const outcome = await profiled({ server }, `audit-sync-${database}`, () => syncing.syncNow()).finally(() =>
      timedLog.restore(),
    );
    const syncMs = ms(started);
    const ownCpu = cpuMs(process.cpuUsage(ownCpuBefore));
    const postgresCpuUsed = postgresCpu() - postgresCpuBefore;
    const serverCpu = (await cpuOf(server)) - serverCpuBefore;
    const load = loadOver(busyBefore, machineBusyMs(), syncMs, ownCpu + serverCpu + postgresCpuUsed);
    const syncPosts = posts.take();
    const syncServer = await server.call<ServerTrace>('trace');
    if (outcome?.kind !== 'synced' || outcome.sent !== RECORDS) throw new Error(`sync: ${JSON.stringify(outcome)}`);
    if ((await log.pendingCount()) !== 0) throw new Error('records left after the sync');

    // Baseline, second half.
    rawMs += await postRaw(batches.slice(half));
    rawPosts.push(...posts.take());
    rawServer.push(await server.call<ServerTrace>('trace'));

    const stored = await server.call<Stored>('auditStored', { workstationId: log.deviceId }, 600_000);
    const storedRaw = await server.call<Stored>('auditStored', { workstationId: rawId }, 600_000);
    if (stored.records !== before.lastSeq + RECORDS || !stored.inOrder) {
      throw new Error(
        `server holds ${String(stored.records)} records of the workstation, expected ${String(before.lastSeq + RECORDS)} (${String(before.lastSeq)} from sign-in)`,
      );
    }
    if (storedRaw.records !== RECORDS || !storedRaw.inOrder)
      throw new Error(`server holds ${String(storedRaw.records)} raw records, expected ${String(RECORDS)}`);

    const batchCount = Math.ceil(RECORDS / BATCH);
    const queryMs = (trace: ServerTrace) => sum(trace.queries.map((q) => q.totalMs));
    const serverMs = (traces: readonly ServerTrace[]) => sum(traces.flatMap((t) => t.requestsMs));
    const rawQueryMs = sum(rawServer.map(queryMs));
    const syncHttp = sum(syncPosts);
    const syncServerMs = serverMs([syncServer]);
    const syncQueryMs = queryMs(syncServer);
    const device = syncMs - timedLog.pendingMs() - syncHttp - timedLog.acknowledgeMs();
    const row = (stage: string, sync: number | null, raw: number | null) => ({
      stage,
      'sync ms': sync === null ? '' : Math.round(sync),
      'sync ms/batch': sync === null ? '' : round(sync / batchCount, 2),
      'raw baseline ms': raw === null ? '' : Math.round(raw),
      'raw ms/batch': raw === null ? '' : round(raw / batchCount, 2),
    });
    process.stdout.write(
      `sync (${database}): setup ${setupSeconds.toFixed(1)} s; ${String(RECORDS)} queued in ${(appendMs / 1000).toFixed(1)} s; ${String(batchCount)} batches of ${String(BATCH)}; ` +
        `server holds ${String(stored.records)} = ${String(before.lastSeq)} from sign-in + ${String(RECORDS)} (tree ${String(stored.treeSize)} with the baseline's); ` +
        `CPU during the sync: this process ${ownCpu.toFixed(0)} ms (incl. its store worker), server ${serverCpu.toFixed(0)} ms` +
        `${postgresPort === null ? '' : `, postgres ${postgresCpuUsed.toFixed(0)} ms`}; ${describeLoad(load)}\n`,
    );
    console.table([
      row('whole catch-up', syncMs, rawMs),
      row('device: log.pending (read 500, worker)', timedLog.pendingMs(), null),
      row('POST round trip (client request → response read)', syncHttp, sum(rawPosts)),
      row('  server: request → response sent', syncServerMs, serverMs(rawServer)),
      row('    of which database queries (wall)', syncQueryMs, rawQueryMs),
      row(
        '    of which the rest (parse, validate, BLAKE2b chain, Ed25519, tree, JSON)',
        syncServerMs - syncQueryMs,
        serverMs(rawServer) - rawQueryMs,
      ),
      row('device: log.acknowledge (delete, fsync)', timedLog.acknowledgeMs(), null),
      row('device: rest (sign, ack validation + proofs, head file fsync)', device, rawMs - sum(rawPosts)),
    ]);
    console.table(batchCosts(batches, rawId));
    console.table(
      syncServer.queries.slice(0, 8).map((q) => ({
        [`server queries during the sync (${database})`]: q.sql,
        count: q.count,
        'total ms': Math.round(q.totalMs),
        'ms/batch': round(q.totalMs / batchCount, 2),
      })),
    );

    const syncRate = rate(RECORDS, syncMs);
    const rawRate = rate(RECORDS, rawMs);
    const suffix = database === 'postgres' ? '_postgres' : '_pglite';
    return {
      [`sync_seconds${suffix}`]: { value: round(syncMs / 1000, 3), unit: 's', goal: null },
      [`sync_records_per_s${suffix}`]: { value: Math.round(syncRate), unit: 'records/s', goal: null },
      [`sync_raw_baseline_records_per_s${suffix}`]: { value: Math.round(rawRate), unit: 'records/s', goal: null },
      [`sync_ratio_vs_raw${suffix}`]: { value: round(syncRate / rawRate, 3), unit: 'ratio', goal: null },
      [`sync_server_ms_per_batch${suffix}`]: { value: round(syncServerMs / batchCount, 2), unit: 'ms', goal: null },
      [`sync_server_stored${suffix}`]: { value: stored.records - before.lastSeq, unit: 'records', goal: null },
    };
  } finally {
    posts.stop();
    poster.api?.close();
    rawDevice?.close();
    await core?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    cluster?.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'audit-trail',
  description: `device audit log durable appends (${String(PRODUCERS)} producers) vs plain SQLite, verifyTrail over ${String(VERIFY_RECORDS)} records vs BLAKE2b alone, catch-up sync of ${String(RECORDS)} records vs raw POSTs`,
  async run() {
    const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-bench-audit-'));
    process.stdout.write(`working directory ${root} on ${diskOf(root)}\n`);
    try {
      const figures: Record<string, Figure> = {};
      if (PARTS.has('append')) Object.assign(figures, await appendThroughput(root));
      if (PARTS.has('verify')) Object.assign(figures, await verification());
      if (PARTS.has('sync')) for (const database of DATABASES) Object.assign(figures, await catchUp(database, root));
      figures.records = { value: RECORDS, unit: 'records', goal: null };
      return figures;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};
