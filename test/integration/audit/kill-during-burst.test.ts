/**
 * SIGKILL during a burst of audited actions loses no durable record and duplicates none: the
 * real core (in a child process) records waves of concurrent actions while its own sync runs,
 * and is killed at random points, during appends, during syncs, and between the server storing
 * a batch and the workstation acknowledging it. After a final run syncs everything, the server
 * holds the workstation's records 1..N exactly once, in order, chained from genesis, including
 * every record a child reported committed.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDeviceAuditLog } from '../../../main/audit/device-audit-log';
import { loadOrCreateDeviceIdentity } from '../../../main/device/device-identity';
import { createMachineFileProtector } from '../../../main/keys/device-protector';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { checkEntries, GENESIS_HASH, hex } from '../../../shared/audit/audit-chain';
import { blake2b256 } from '../../../shared/audit/blake2b';
import { repoRoot } from '../../support/browser-host-process';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { tempDir } from '../../support/vault-fixtures';
import { createWorkstation } from '../../support/workstation';

const nurse = account('nurse.okoro', 'nurse', 'Ada Okoro', 'Ward 7', 'Staff Nurse');
const ROUNDS = 6;

interface LogState {
  readonly lastSeq: number;
  readonly ackedSeq: number;
  readonly pending: number;
  readonly verified: boolean;
}

interface ChildRun {
  readonly child: ChildProcessByStdio<null, Readable, null>;
  /** The core is up and its device log open. */
  readonly ready: Promise<void>;
  /** Resolves once the process has exited and its output is read to the end. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly committed: number[];
  readonly lines: string[];
  /** Called with each line as it arrives. */
  onLine: (line: string) => void;
}

let server: TestServer;
let dataDir: string;
let deviceId: string;
const live = new Set<ChildRun['child']>();

function startChild(mode: 'burst' | 'final'): ChildRun {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(repoRoot, 'test/support/audit-burst-child.ts'),
      dataDir,
      server.endpoint.url,
      nurse.userId,
      mode,
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, WARDLINE_TEST_CA_PEM: server.endpoint.caPem },
    },
  );
  live.add(child);
  let readyResolve: () => void = () => undefined;
  let readyReject: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      live.delete(child);
      readyReject(new Error(`child exited before it was ready (${String(code ?? signal)})`));
      resolve({ code, signal });
    });
  });
  const run: ChildRun = { child, ready, closed, committed: [], lines: [], onLine: () => undefined };
  createInterface({ input: child.stdout }).on('line', (line) => {
    run.lines.push(line);
    const [word, ...numbers] = line.split(' ');
    if (word === 'committed') run.committed.push(Number(numbers[0]));
    if (word === 'ready') readyResolve();
    run.onLine(line);
  });
  return run;
}

async function serverEntries() {
  return server.server.admin.auditRecords({ workstationId: deviceId, limit: 100_000 });
}

/** The device log as a restart finds it, read while no child runs (opening it runs any recovery). */
async function deviceLogState(): Promise<LogState> {
  const identity = await loadOrCreateDeviceIdentity({
    dataDir,
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
  });
  if (!identity.ok) throw new Error(identity.error);
  const log = await openDeviceAuditLog({ dataDir, identity: identity.value });
  try {
    const { lastSeq, ackedSeq } = await log.state();
    return { lastSeq, ackedSeq, pending: await log.pendingCount(), verified: (await log.verify()).ok };
  } finally {
    await log.close();
    identity.value.close();
  }
}

beforeAll(async () => {
  await loadSodium();
  server = await startTestServer([nurse]);
  dataDir = tempDir('wardline-audit-kill-');
  // The device key is registered with the server at a sign-in: once, then the core is closed and
  // only child processes use this data folder.
  const station = createWorkstation(server.endpoint, { dataDir });
  try {
    await signIn(station, nurse);
    deviceId = (await station.core.audit.log()).deviceId;
  } finally {
    await station.close();
  }
}, 30_000);

afterAll(async () => {
  for (const child of live) child.kill('SIGKILL');
  await server.server.close();
});

describe('audit durability under SIGKILL', () => {
  it('keeps every committed record, stores each exactly once and in order, and the chains verify', async () => {
    const committed = new Set<number>();
    let committedLines = 0;
    let recorded = 0;
    /** After each kill: how it was chosen, the device log as left, and what the server held. */
    const kills: {
      how: string;
      committedLines: number;
      maxCommitted: number;
      device: LogState;
      serverBefore: number;
      serverLastSeq: number;
    }[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const serverBefore = (await serverEntries()).at(-1)?.record.seq ?? 0;
      const treeBefore = (await server.server.admin.auditHeads()).at(-1)?.treeSize ?? 0;
      const run = startChild('burst');
      await run.ready;
      const kill = () => {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      };
      // Three ways to pick the moment, in turn: a random time after the core is up; right after a
      // random number of records were reported committed (the next appends in flight); or a
      // moment after the server stored one of this run's batches, while its acknowledgement is
      // on its way to the workstation or being checked and applied there.
      const way = (['time', 'commits', 'server-store'] as const)[round % 3]!;
      let how: string;
      const watch = { on: true };
      if (way === 'time') {
        const delayMs = randomInt(50, 801);
        how = `${String(delayMs)} ms`;
        setTimeout(kill, delayMs);
      } else if (way === 'commits') {
        const count = randomInt(1, 1500);
        how = `${String(count)} commits`;
        run.onLine = () => run.committed.length >= count && kill();
      } else {
        const delayMs = randomInt(0, 8);
        how = `server store + ${String(delayMs)} ms`;
        void (async () => {
          while (watch.on && ((await server.server.admin.auditHeads()).at(-1)?.treeSize ?? 0) <= treeBefore)
            await new Promise((resolve) => setTimeout(resolve, 2));
          if (watch.on) setTimeout(kill, delayMs);
        })();
      }
      const fallback = setTimeout(kill, 10_000);
      const exit = await run.closed;
      watch.on = false;
      clearTimeout(fallback);
      expect(exit.signal, run.lines.slice(-5).join('\n')).toBe('SIGKILL');

      for (const seq of run.committed) committed.add(seq);
      committedLines += run.committed.length;
      recorded += run.lines.filter((line) => line === 'recorded').length;
      const device = await deviceLogState();
      const serverLastSeq = (await serverEntries()).at(-1)?.record.seq ?? 0;
      const maxCommitted = Math.max(0, ...committed);
      kills.push({ how, committedLines: run.committed.length, maxCommitted, device, serverBefore, serverLastSeq });

      // Whatever the kill interrupted, the log is whole, holds every record reported committed,
      // and never acknowledged more than the server holds.
      expect(device.verified).toBe(true);
      expect(device.lastSeq).toBeGreaterThanOrEqual(maxCommitted);
      expect(device.pending).toBe(device.lastSeq - device.ackedSeq);
      expect(device.ackedSeq).toBeLessThanOrEqual(serverLastSeq);
    }
    // Not vacuous: the bursts ran, and at least one kill left records reported committed
    // unacknowledged, for a later run to send.
    expect(committed.size).toBeGreaterThan(ROUNDS * 10);
    expect(kills.some(({ device, maxCommitted }) => device.ackedSeq < maxCommitted)).toBe(true);

    const final = startChild('final');
    const finalExit = await final.closed;
    expect(finalExit, final.lines.slice(-5).join('\n')).toEqual({ code: 0, signal: null });
    const finalLine = final.lines.find((line) => line.startsWith('final '));
    const [, lastSeqText, ackedSeqText, pendingText, verified] = (finalLine ?? '').split(' ');
    const lastSeq = Number(lastSeqText);
    expect({ ackedSeq: Number(ackedSeqText), pending: Number(pendingText), verified }).toEqual({
      ackedSeq: lastSeq,
      pending: 0,
      verified: 'verified',
    });

    const stored = await serverEntries();
    // 1..N, each exactly once, in tree order.
    expect(stored.map((entry) => entry.record.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.length).toBe(lastSeq);
    for (let i = 1; i < stored.length; i++) expect(stored[i]!.treeIndex).toBeGreaterThan(stored[i - 1]!.treeIndex);
    // Every record reported committed is there, and no sequence number was reported twice (which
    // would mean a committed record was lost and its number given out again).
    const storedSeqs = new Set(stored.map((entry) => entry.record.seq));
    expect([...committed].filter((seq) => !storedSeqs.has(seq))).toEqual([]);
    expect(committed.size).toBe(committedLines);
    expect(stored.length).toBeGreaterThanOrEqual(committed.size + recorded);
    expect(checkEntries(blake2b256, stored, deviceId, { seq: 1, previousHash: hex(GENESIS_HASH) })).toBeNull();
    // Nothing the workstation or the server saw looked like tampering.
    expect(stored.filter((entry) => entry.record.action === 'audit.alert').map((entry) => entry.record.reason)).toEqual(
      [],
    );
    expect((await server.server.admin.auditAlerts()).filter((alert) => alert.workstationId === deviceId)).toEqual([]);

    // The device log, opened afresh, verifies and holds nothing unacknowledged.
    expect(await deviceLogState()).toEqual({ lastSeq, ackedSeq: lastSeq, pending: 0, verified: true });
    // A kill mid-way through writing the witnessed head leaves a temporary file; a start clears it.
    expect(readdirSync(path.join(dataDir, 'machine')).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    // Kills that left the server holding records of that run the device had not acknowledged.
    const betweenStoreAndAck = kills.filter(
      ({ device, serverBefore, serverLastSeq }) => serverLastSeq > serverBefore && serverLastSeq > device.ackedSeq,
    ).length;
    process.stdout.write(
      `audit kill test: ${String(lastSeq)} records on the server, ${String(committed.size)} reported committed; ` +
        `${String(betweenStoreAndAck)} of ${String(ROUNDS)} kills between the server's store and the device's acknowledgement\n` +
        kills.map((k) => `  kill after ${k.how}: ${JSON.stringify({ ...k, how: undefined })}\n`).join(''),
    );
  }, 60_000);
});
