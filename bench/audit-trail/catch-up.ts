/**
 * Part 3 of the audit-trail bench (see audit-trail.bench.ts): catch-up sync of queued records from
 * a real core to a real server in a child process, against raw POSTs of as many records.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { AppCore } from '../../main/core/app-core';
import type { DeviceIdentity } from '../../main/device/device-identity';
import { createApiClient } from '../../main/server-link/api-client';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import { startPostgres, type PostgresCluster } from '../../test/support/postgres';
import type { Figure } from '../bench-kit';
import type { ServerTrace } from '../support/audit-server-child';
import { createBenchCore, signIn } from '../support/bench-core';
import { repoRoot, startChild, type ChildHandle } from '../support/child-rpc';
import { benchAccount } from '../support/clients';
import { cpuMs, cpuOf, describeLoad, loadOver, machineBusyMs, postgresCpuMs } from '../support/machine-load';
import { profiled } from '../support/server-process';
import { round, sum } from '../support/stats';
import { ms, rate, sleep } from '../support/timing';
import { BATCH, drive, idPool, PRODUCERS, RECORDS } from './fixtures';
import { timeLogCalls, traceBatchPosts } from './probes';
import { batchCosts, rawBatches, registeredDevice, type RawBatch } from './raw-baseline';

interface Stored {
  readonly records: number;
  readonly inOrder: boolean;
  readonly treeSize: number;
}

export async function catchUp(database: 'pglite' | 'postgres', root: string): Promise<Record<string, Figure>> {
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
