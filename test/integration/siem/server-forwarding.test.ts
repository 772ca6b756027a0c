/**
 * The server forwards its audit trail to a real rsyslog: every record a real workstation syncs,
 * every signed batch and every tree head arrives and reads back exactly, across server restarts
 * and across a SIEM outage that outlasts the server process, with nothing missing.
 */
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import { batchSigningBytes, checkEntries, fromHex, hex } from '../../../shared/audit/audit-chain';
import type { SignedTreeHead, StoredEntry } from '../../../shared/audit/audit-entry';
import { blake2b256 } from '../../../shared/audit/blake2b';
import { merkleTree } from '../../../shared/audit/merkle-tree';
import type { StoredBatch } from '../../../shared/audit/trail-export';
import { leafHashOfEntry, sha256 } from '../../../server/audit/audit-tree';
import { startServer, type RunningServer, type ServerOptions } from '../../../server/server';
import { auditFromSyslog } from '../../../shared/node/syslog/audit-syslog';
import { account, signIn } from '../../support/messaging-server';
import { type RsyslogServer, startRsyslog } from '../../support/rsyslog';
import { tempDir } from '../../support/vault-fixtures';
import { createWorkstation, type Workstation } from '../../support/workstation';

const nurse = account('nurse.okoro', 'nurse', 'Ada Okoro', 'Ward 7', 'Staff Nurse');

let sodium: Sodium;
let rsyslog: RsyslogServer;
let server: RunningServer;
let ward: Workstation;
const dataDir = tempDir('wardline-server-');
const serverLogs: string[] = [];

function options(port: number): ServerOptions {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      serverLogs.push(chunk.toString('utf8'));
      done();
    },
  });
  // Warnings are kept so the test can check what forwarding logs; nothing else is written.
  return {
    dataDir,
    port,
    log: { level: 'warn', destination },
    siem: { host: rsyslog.host, port: rsyslog.port, caPem: rsyslog.caPem },
  };
}

beforeAll(async () => {
  sodium = await loadSodium();
  rsyslog = await startRsyslog();
  server = await startServer(options(0));
  await server.admin.createAccount(nurse);
  ward = createWorkstation({ url: server.url, caPem: readFileSync(server.caCertPath, 'utf8') });
}, 60_000);

afterAll(async () => {
  await ward.close();
  await server.close();
  await rsyslog.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What the SIEM holds, read back through the exact inverses: duplicates must be byte-identical copies. */
interface SiemCopy {
  readonly entries: Map<number, StoredEntry>;
  readonly heads: Map<number, SignedTreeHead>;
  readonly batches: StoredBatch[];
}

function readBack(lines: readonly string[]): SiemCopy {
  const copy: SiemCopy = { entries: new Map(), heads: new Map(), batches: [] };
  const lineByKey = new Map<string, string>();
  for (const line of lines) {
    const parsed = auditFromSyslog(line);
    if (!parsed.ok) throw new Error(`rsyslog holds a line that does not read back: ${parsed.error}`);
    const read = parsed.value;
    const key =
      read.kind === 'entry'
        ? `entry ${String(read.entry.treeIndex)}`
        : read.kind === 'tree-head'
          ? `head ${String(read.head.treeSize)}`
          : `batch ${read.batch.workstationId} ${String(read.batch.lastSeq)}`;
    const earlier = lineByKey.get(key);
    if (earlier !== undefined) {
      expect(line, `a second copy of ${key}`).toBe(earlier);
      continue;
    }
    lineByKey.set(key, line);
    if (read.kind === 'entry') copy.entries.set(read.entry.treeIndex, read.entry);
    else if (read.kind === 'tree-head') copy.heads.set(read.head.treeSize, read.head);
    else copy.batches.push(read.batch);
  }
  return copy;
}

/** Waits until the SIEM holds every record and every head the server holds. */
async function siemCatchesUp(
  timeoutMs = 20_000,
): Promise<{ copy: SiemCopy; records: StoredEntry[]; heads: SignedTreeHead[] }> {
  const records = await server.admin.auditRecords({ limit: 100_000 });
  const heads = await server.admin.auditHeads();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const copy = readBack(await rsyslog.readMessages());
    const missing =
      records.filter((entry) => !copy.entries.has(entry.treeIndex)).length +
      heads.filter((head) => !copy.heads.has(head.treeSize)).length;
    if (missing === 0) return { copy, records, heads };
    if (Date.now() > deadline) throw new Error(`${String(missing)} records and heads never reached the SIEM`);
    await sleep(50);
  }
}

/** The checks an offline verifier makes on the SIEM's copy alone. */
function verifyCopy(copy: SiemCopy, records: readonly StoredEntry[], heads: readonly SignedTreeHead[]): void {
  // Exactly what the server holds, and nothing it does not.
  expect([...copy.entries.values()].sort((a, b) => a.treeIndex - b.treeIndex)).toEqual(records);
  expect([...copy.heads.values()].sort((a, b) => a.treeSize - b.treeSize)).toEqual(heads);
  const size = heads.at(-1)?.treeSize ?? 0;
  expect([...copy.entries.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, index) => index));

  // Each workstation's chain is whole, and every batch signature covers records the SIEM holds.
  const byWorkstation = new Map<string, StoredEntry[]>();
  for (const entry of copy.entries.values())
    byWorkstation.set(entry.record.workstationId, [...(byWorkstation.get(entry.record.workstationId) ?? []), entry]);
  for (const [workstationId, chain] of byWorkstation) {
    chain.sort((a, b) => a.record.seq - b.record.seq);
    expect(checkEntries(blake2b256, chain, workstationId)).toBeNull();
  }
  let covered = 0;
  for (const batch of copy.batches) {
    const chain =
      byWorkstation
        .get(batch.workstationId)
        ?.filter((entry) => entry.record.seq >= batch.firstSeq && entry.record.seq <= batch.lastSeq) ?? [];
    expect(chain).toHaveLength(batch.lastSeq - batch.firstSeq + 1);
    expect(chain[0]?.previousHash).toBe(batch.previousHash);
    expect(chain.at(-1)?.hash).toBe(batch.lastHash);
    const signed = batchSigningBytes({
      ...batch,
      deviceId: batch.workstationId,
      previousHash: fromHex(batch.previousHash)!,
      lastHash: fromHex(batch.lastHash)!,
    });
    expect(
      sodium.crypto_sign_verify_detached(
        Buffer.from(batch.signature, 'base64'),
        signed,
        Buffer.from(batch.devicePublicKey, 'base64'),
      ),
    ).toBe(true);
    covered += chain.length;
  }
  expect(covered).toBeGreaterThanOrEqual(records.length);

  // Every head's root is the root of the leaves the SIEM holds.
  const tree = merkleTree(sha256);
  const leaves = [...copy.entries.values()]
    .sort((a, b) => a.treeIndex - b.treeIndex)
    .map((entry) => leafHashOfEntry(entry.hash));
  for (const head of copy.heads.values())
    expect(hex(tree.rootHash(leaves.slice(0, head.treeSize)))).toBe(head.rootHash);
}

async function sync(): Promise<void> {
  expect(await ward.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
}

/** A lock and an unlock: two more records on the workstation. */
async function lockAndUnlock(): Promise<void> {
  expect(await ward.call('session.lock', {})).toMatchObject({ ok: true });
  expect(await ward.call('session.unlock', { password: nurse.password })).toMatchObject({ ok: true });
}

async function restart(): Promise<void> {
  const { port } = server;
  await server.close();
  server = await startServer(options(port));
}

describe('forwarding the server audit trail to a SIEM', () => {
  it('delivers every record, batch and head a real workstation syncs, each reading back exactly', async () => {
    await signIn(ward, nurse);
    await sync();
    await lockAndUnlock();
    await sync();

    const { copy, records, heads } = await siemCatchesUp();
    expect(records.length).toBeGreaterThanOrEqual(5);
    expect(heads.length).toBeGreaterThanOrEqual(2);
    expect(copy.batches.length).toBe(heads.length);
    verifyCopy(copy, records, heads);
  });

  it('resumes after a restart without a gap', async () => {
    await restart();
    await lockAndUnlock();
    await sync();
    const before = (await server.admin.auditHeads()).length;
    await lockAndUnlock();
    await sync();
    expect((await server.admin.auditHeads()).length).toBeGreaterThan(before);

    const { copy, records, heads } = await siemCatchesUp();
    verifyCopy(copy, records, heads);
  });

  it('forwards on the next start what it stored while the SIEM was down', async () => {
    await rsyslog.stop();
    const received = (await rsyslog.readMessages()).length;
    await lockAndUnlock();
    await sync();
    const stored = await server.admin.auditRecords({ limit: 100_000 });
    // The server stored them; the SIEM cannot have them, and the server is stopped before it could send them.
    await server.close();
    await rsyslog.start();
    expect((await rsyslog.readMessages()).length).toBe(received);

    server = await startServer(options(server.port));
    const { copy, records, heads } = await siemCatchesUp();
    expect(records).toEqual(stored);
    verifyCopy(copy, records, heads);

    // Forwarding logs say what happened, by event and code, and nothing about where or whom.
    const forwarding = serverLogs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'siem forwarding');
    expect(forwarding.length).toBeGreaterThan(0);
    for (const line of forwarding) {
      expect(
        Object.keys(line)
          .filter((key) => !['level', 'time', 'msg', 'name'].includes(key))
          .every((key) => key === 'event' || key === 'code'),
      ).toBe(true);
      const text = JSON.stringify(line);
      expect(text).not.toContain(rsyslog.host);
      expect(text).not.toContain(nurse.userId);
    }
  });
});
