/**
 * Part 2 of the audit-trail bench (see audit-trail.bench.ts): verifyTrail over a full export built
 * the way the server builds one, against BLAKE2b of each record's canonical text alone.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  batchSigningBytes,
  canonicalRecord,
  entryHash,
  GENESIS_HASH,
  hex,
  treeHeadSigningBytes,
} from '../../shared/audit/audit-chain';
import type { SignedTreeHead } from '../../shared/audit/audit-entry';
import type { AuditRecord } from '../../shared/audit/audit-event';
import { blake2b256 } from '../../shared/audit/blake2b';
import { createMerkleLog } from '../../shared/audit/merkle-log';
import { merkleTree, type Hash } from '../../shared/audit/merkle-tree';
import type { ExportedEntry, StoredBatch, TrailExport } from '../../shared/audit/trail-export';
import { verifyTrail } from '../../shared/node/audit/trail-verifier';
import { nodeVerifyCrypto } from '../../shared/node/audit/verify-crypto';
import { loadSodium, type Sodium } from '../../shared/node/crypto/sodium';
import type { Figure } from '../bench-kit';
import { cpuMs, describeLoad, loadOver, machineBusyMs } from '../support/machine-load';
import { median, round } from '../support/stats';
import { ms, rate, timed } from '../support/timing';
import { BASE_AT, BATCH, idPool, placed, RECORDS, USERS } from './fixtures';

export const VERIFY_RECORDS = RECORDS * 2;
const VERIFY_WORKSTATIONS = 20;
const VERIFY_REPEATS = 3;
/** The server's own chain in a built export (its sessions attest the workstations' records). */
const SERVER_CHAIN = '5e7e7e7e-0000-4000-8000-000000000001';

const sha256 = (...parts: readonly Uint8Array[]): Hash => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

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

export async function verification(): Promise<Record<string, Figure>> {
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
