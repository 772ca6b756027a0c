/**
 * Server throughput: envelopes per second accepted and fanned out, with PGlite (embedded, the
 * default) and with a throwaway real PostgreSQL 15 cluster, in the same run.
 *
 * The server runs in a child process (startServer, as deployed); this process is the load:
 *   - 16 sender sessions (16 accounts, each its own device), each posting pre-sealed envelopes
 *     back to back, one request in flight per sender: concurrency 16. Envelopes are real ones
 *     (client `sealEnvelope`, same ~240-character text as the round-trip bench, two key
 *     recipients), sealed and serialised before the clock starts, so the server does all of its
 *     work — authentication, schema validation, sender/recipient/key checks, Ed25519 signature
 *     verification, the transaction (envelope, recipients, feed events, NOTIFY) — and the client
 *     does as little as possible on the shared cores.
 *   - 16 recipient sessions (16 other accounts): each envelope goes to one of them at random.
 *   - every session, senders included, has its stream connected: an accepted envelope is pushed
 *     to its recipient and to its sender's own stream (the sender's other devices), so each
 *     accepted envelope is two fan-out deliveries. Frames are counted, not parsed.
 * Measured: both servers are set up side by side, then measured in alternating windows (4 per
 * database, the order swapped each round, 1.5 s of warm-up then 5 s each), so whatever else this
 * shared machine does weighs on both alike. `accepted_per_s` counts new envelopes the server
 * answered 200 in the windows; `delivered_per_s` counts envelope frames the streams received in
 * the same windows. Between windows the fan-out drains: every accepted envelope must reach both
 * streams. `server_cpu_ms_per_envelope` (server process, plus PostgreSQL's processes) is the
 * cost per envelope, which depends far less on the machine's other load than the rates do.
 * No receipts, reads or directory lookups run meanwhile: this is the relay path alone.
 *
 * PostgreSQL runs as the integration tests run it (test/support/postgres.ts: initdb, fsync=off,
 * synchronous_commit=off, full_page_writes=off; PGlite's in-process file system does not fsync
 * either), on this machine, so it too shares the two cores with the server and the load. The
 * server's pool allows 10 PostgreSQL connections; PGlite is one connection in the server's
 * process.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, type PostgresCluster } from '../test/support/postgres';
import type { Benchmark, Figure } from './bench-kit';
import { sealDirect } from './support/chatter';
import { monoMs, type ChildHandle } from './support/child-rpc';
import { benchAccount, signInMany, type RawClient } from './support/clients';
import { leanSender, leanStream, type LeanSender, type LeanStream } from './support/lean-load';
import { loadOver, machineBusyMs, postgresCpuMs, type LoadReport } from './support/machine-load';
import { resetStatementStats, writeStatementStats } from './support/postgres-statements';
import { profileDir, profiled, startServerProcess, type ServerProcess } from './support/server-process';
import { percentile, percentiles, round } from './support/stats';
import { sleep } from './support/timing';

const SENDERS = 16;
const RECIPIENTS = 16;
const WARMUP_MS = 1_500;
const MEASURE_MS = 5_000;
/** Envelopes sealed per sender: enough for the whole run at well above the rates seen. */
const PER_SENDER = Number(process.env.WARDLINE_BENCH_PER_SENDER ?? 1_500);
const TEXT =
  'Bed 12: K+ 6.1 on the 14:00 bloods, repeat sent. ECG shows peaked T waves. Calcium gluconate and insulin-dextrose given per protocol. Please review on your round and advise on further management; family aware and updated at 14:40.';

const ROUNDS = 4;
const SETTLE_MS = 1_000;

type DatabaseKind = 'pglite' | 'postgres';

interface RunResult {
  readonly database: DatabaseKind;
  readonly acceptedPerSecond: number;
  readonly deliveredPerSecond: number;
  readonly latencyMs: { p50: number; p99: number };
  /** Every send's latency in the measured windows, ms. */
  readonly latencies: readonly number[];
  /** Per measured window: when it ended (s since the run's first window began), its rate and the server's RSS. */
  readonly windows: readonly { readonly endS: number; readonly acceptedPerSecond: number; readonly rssMiB: number }[];
  /** Share of one core used by the server process while measured. */
  readonly serverCpu: number;
  /** Server process plus PostgreSQL (if any) CPU ms per accepted envelope, fan-out included. */
  readonly cpuMsPerEnvelope: number;
  readonly load: LoadReport | null;
  readonly setupSeconds: number;
}

interface Snapshot {
  readonly at: number;
  readonly accepted: number;
  readonly delivered: number;
  readonly serverCpu: number;
  readonly databaseCpu: number;
  readonly machineBusy: number | null;
  readonly ownCpu: number;
  readonly serverRss: number;
}

/** One server with its clients, envelopes sealed, streams connected; senders run only inside `window`. */
interface Rig {
  readonly database: DatabaseKind;
  readonly server: ServerProcess;
  readonly setupSeconds: number;
  /** Senders post for `ms` after `warmupMs`; answers the counters before and after the measured part. */
  window(warmupMs: number, ms: number): Promise<{ start: Snapshot; end: Snapshot }>;
  latencies(from: number, to: number): number[];
  readonly delivered: () => number;
  readonly accepted: () => number;
  close(): Promise<void>;
}

async function rig(database: DatabaseKind, root: string, databaseUrl: string | undefined): Promise<Rig> {
  const dir = mkdtempSync(path.join(root, `${database}-`));
  const children: ChildHandle[] = [];
  const clients: RawClient[] = [];
  const streams: LeanStream[] = [];
  const senders: LeanSender[] = [];
  const close = async () => {
    for (const sender of senders) sender.close();
    await Promise.all(streams.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.close()));
    for (const child of children) await child.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const setupStarted = performance.now();
    const server = await startServerProcess({
      dataDir: path.join(dir, 'server'),
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      onChild: (child) => children.push(child),
    });
    const { endpoint } = server;
    const senderAccounts = Array.from({ length: SENDERS }, (_, i) =>
      benchAccount(`tp.sender.${String(i).padStart(2, '0')}`),
    );
    const recipientAccounts = Array.from({ length: RECIPIENTS }, (_, i) =>
      benchAccount(`tp.recipient.${String(i).padStart(2, '0')}`, 'physician'),
    );
    await server.createAccounts([...senderAccounts, ...recipientAccounts]);
    const [senderClients, recipientClients] = await Promise.all([
      signInMany(endpoint, senderAccounts, { sessionsPerAccount: 1, dataDir: dir, identity: true, parallel: 2 }),
      signInMany(endpoint, recipientAccounts, { sessionsPerAccount: 1, dataDir: dir, identity: true, parallel: 2 }),
    ]);
    clients.push(...senderClients, ...recipientClients);
    for (const client of clients) {
      const token = client.server.token();
      if (token === null) throw new Error('no token');
      streams.push(leanStream(endpoint, token));
    }
    await Promise.all(streams.map((s) => s.ready));

    // Sealed and serialised before any clock starts.
    const queues: Buffer[][] = [];
    for (const from of senderClients) {
      const conversations = new Map<string, string>();
      const queue: Buffer[] = [];
      for (let i = 0; i < PER_SENDER; i += 1) {
        const to = recipientClients[randomInt(recipientClients.length)];
        if (to === undefined) throw new Error('no recipients');
        let conversationId = conversations.get(to.userId);
        if (conversationId === undefined) {
          conversationId = randomUUID();
          conversations.set(to.userId, conversationId);
        }
        queue.push(Buffer.from(JSON.stringify({ envelope: await sealDirect(from, to, conversationId, TEXT) })));
      }
      queues.push(queue);
      senders.push(leanSender(endpoint));
    }
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    let accepted = 0;
    const latencies: { at: number; ms: number }[] = [];
    const delivered = () => streams.reduce((sum, s) => sum + s.envelopes(), 0);
    const databasePort = databaseUrl === undefined ? null : Number(new URL(databaseUrl).port);
    const snapshot = async (): Promise<Snapshot> => {
      const own = process.cpuUsage();
      return {
        at: monoMs(),
        accepted,
        delivered: delivered(),
        serverCpu: await server.cpuMs(),
        databaseCpu: databasePort === null ? 0 : (postgresCpuMs(databasePort) ?? Number.NaN),
        machineBusy: machineBusyMs(),
        ownCpu: (own.user + own.system) / 1000,
        serverRss: await server.rssBytes(),
      };
    };

    /** One closed loop per sender: the next envelope as soon as the last is answered. */
    async function post(index: number, until: () => boolean): Promise<void> {
      const client = senderClients[index];
      const sender = senders[index];
      const queue = queues[index];
      if (client === undefined || sender === undefined || queue === undefined) throw new Error('no sender');
      while (!until()) {
        const body = queue.shift();
        if (body === undefined)
          throw new Error('a sender ran out of sealed envelopes: raise WARDLINE_BENCH_PER_SENDER');
        const token = client.server.token();
        if (token === null) throw new Error('session lost');
        const started = monoMs();
        const answer = await sender.send(body, token);
        const done = monoMs();
        if (answer.status !== 200 || answer.duplicate) throw new Error(`envelope refused: ${String(answer.status)}`);
        accepted += 1;
        latencies.push({ at: done, ms: done - started });
      }
    }

    return {
      database,
      server,
      setupSeconds,
      async window(warmupMs, ms) {
        let stop = false;
        const loops = senderClients.map((_, index) => post(index, () => stop));
        try {
          const measured = (async () => {
            await sleep(warmupMs);
            const start = await snapshot();
            await sleep(ms);
            return { start, end: await snapshot() };
          })();
          // A refused envelope (a sender's loop rejects) ends the window at once.
          return await Promise.race([
            measured,
            Promise.all(loops).then(() => Promise.reject(new Error('senders stopped early'))),
          ]);
        } finally {
          stop = true;
          await Promise.allSettled(loops);
        }
      },
      latencies: (from, to) => latencies.filter((l) => l.at >= from && l.at <= to).map((l) => l.ms),
      delivered,
      accepted: () => accepted,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Sums the windows of one rig into rates, CPU and load. */
function summarise(r: Rig, windows: readonly { start: Snapshot; end: Snapshot }[], runStart: number): RunResult {
  let ms = 0;
  let accepted = 0;
  let delivered = 0;
  let serverCpu = 0;
  let databaseCpu = 0;
  let ownCpu = 0;
  let busy: number | null = 0;
  const latencies: number[] = [];
  for (const { start, end } of windows) {
    ms += end.at - start.at;
    accepted += end.accepted - start.accepted;
    delivered += end.delivered - start.delivered;
    serverCpu += end.serverCpu - start.serverCpu;
    databaseCpu += end.databaseCpu - start.databaseCpu;
    ownCpu += end.ownCpu - start.ownCpu;
    busy =
      busy === null || start.machineBusy === null || end.machineBusy === null
        ? null
        : busy + end.machineBusy - start.machineBusy;
    latencies.push(...r.latencies(start.at, end.at));
  }
  return {
    database: r.database,
    acceptedPerSecond: (accepted * 1000) / ms,
    deliveredPerSecond: (delivered * 1000) / ms,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    latencies,
    windows: windows.map(({ start, end }) => ({
      endS: (end.at - runStart) / 1000,
      acceptedPerSecond: ((end.accepted - start.accepted) * 1000) / (end.at - start.at),
      rssMiB: end.serverRss / 2 ** 20,
    })),
    serverCpu: serverCpu / ms,
    cpuMsPerEnvelope: (serverCpu + databaseCpu) / accepted,
    // Ours: the server, its PostgreSQL and this load generator (both rigs' idle parts count as ours too: negligible).
    load: busy === null ? null : loadOver(0, busy, ms, serverCpu + databaseCpu + ownCpu),
    setupSeconds: r.setupSeconds,
  };
}

export const benchmark: Benchmark = {
  name: 'server-throughput',
  description: `envelopes/s accepted and fan-out deliveries/s, ${String(SENDERS)} concurrent senders, ${String(RECIPIENTS)} recipients, all streams connected; PGlite vs PostgreSQL in alternating windows`,
  async run(charts) {
    const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-bench-tp-'));
    let cluster: PostgresCluster | null = null;
    const rigs: Rig[] = [];
    try {
      rigs.push(await rig('pglite', root, undefined));
      const dir = profileDir();
      cluster = await startPostgres({ statementStats: dir !== null });
      const databaseUrl = await cluster.createDatabase();
      rigs.push(await rig('postgres', root, databaseUrl));
      if (dir !== null) await resetStatementStats(databaseUrl);
      const windows = new Map<Rig, { start: Snapshot; end: Snapshot }[]>(rigs.map((r) => [r, []]));
      // Alternating windows (and alternating which goes first), so whatever else the machine
      // does in the meantime weighs on both databases alike.
      for (let round = 0; round < ROUNDS; round += 1) {
        const order = round % 2 === 0 ? rigs : [...rigs].reverse();
        for (const r of order) {
          const result = await profiled({ server: r.server.child }, `throughput-${r.database}-${String(round)}`, () =>
            r.window(WARMUP_MS, MEASURE_MS),
          );
          windows.get(r)?.push(result);
          // Let the fan-out of the last envelopes finish before the other server starts.
          const deadline = Date.now() + 30_000;
          while (r.delivered() < r.accepted() * 2 && Date.now() < deadline) await sleep(50);
          await sleep(SETTLE_MS);
        }
      }
      for (const r of rigs) {
        // Every accepted envelope reached its recipient's stream and its sender's.
        if (r.delivered() !== r.accepted() * 2)
          throw new Error(`${r.database}: delivered ${String(r.delivered())} of ${String(r.accepted() * 2)} expected`);
      }
      if (dir !== null) await writeStatementStats(databaseUrl, path.join(dir, 'throughput-postgres-statements.json'));
      const runStart = Math.min(...[...windows.values()].flat().map((w) => w.start.at));
      const [pglite, postgres] = rigs.map((r) => summarise(r, windows.get(r) ?? [], runStart));
      if (pglite === undefined || postgres === undefined) throw new Error('missing results');
      report(pglite);
      report(postgres);
      const both = { PGlite: pglite, PostgreSQL: postgres };
      const each = <T>(f: (result: RunResult) => T) =>
        Object.fromEntries(Object.entries(both).map(([name, result]) => [name, f(result)]));
      charts.add({
        kind: 'distribution',
        title: `Send latency, ${String(SENDERS)} concurrent senders`,
        unit: 'ms',
        series: each((result) => percentiles(result.latencies)),
      });
      charts.add({
        kind: 'line',
        title: 'Accepted envelopes per second, each measured window',
        x: 'seconds into the measurement',
        y: 'envelopes/s',
        series: each((result) => result.windows.map((w) => [round(w.endS, 1), round(w.acceptedPerSecond, 1)] as const)),
      });
      charts.add({
        kind: 'line',
        title: 'Server resident memory at the end of each window',
        x: 'seconds into the measurement',
        y: 'MiB',
        series: each((result) => result.windows.map((w) => [round(w.endS, 1), round(w.rssMiB, 1)] as const)),
      });
      return {
        accepted_per_s_pglite: { value: round(pglite.acceptedPerSecond, 1), unit: 'envelopes/s', goal: null },
        delivered_per_s_pglite: { value: round(pglite.deliveredPerSecond, 1), unit: 'deliveries/s', goal: null },
        accepted_per_s_postgres: { value: round(postgres.acceptedPerSecond, 1), unit: 'envelopes/s', goal: null },
        delivered_per_s_postgres: { value: round(postgres.deliveredPerSecond, 1), unit: 'deliveries/s', goal: null },
        accepted_ratio_postgres_vs_pglite: {
          value: round(postgres.acceptedPerSecond / pglite.acceptedPerSecond, 3),
          unit: 'ratio',
          goal: null,
        },
        delivered_ratio_postgres_vs_pglite: {
          value: round(postgres.deliveredPerSecond / pglite.deliveredPerSecond, 3),
          unit: 'ratio',
          goal: null,
        },
        server_cpu_ms_per_envelope_pglite: { value: round(pglite.cpuMsPerEnvelope), unit: 'CPU ms', goal: null },
        server_cpu_ms_per_envelope_postgres: { value: round(postgres.cpuMsPerEnvelope), unit: 'CPU ms', goal: null },
        send_p50_ms_pglite: { value: round(pglite.latencyMs.p50), unit: 'ms', goal: null },
        send_p99_ms_pglite: { value: round(pglite.latencyMs.p99), unit: 'ms', goal: null },
        send_p50_ms_postgres: { value: round(postgres.latencyMs.p50), unit: 'ms', goal: null },
        send_p99_ms_postgres: { value: round(postgres.latencyMs.p99), unit: 'ms', goal: null },
        concurrent_senders: { value: SENDERS, unit: 'requests in flight', goal: null },
      } satisfies Record<string, Figure>;
    } finally {
      for (const r of rigs) await r.close().catch(() => undefined);
      cluster?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
};

function report(result: RunResult): void {
  const load = result.load
    ? `machine ${(result.load.machine * 100).toFixed(0)}% busy, other processes ${(result.load.others * 100).toFixed(0)}% of its cores`
    : 'machine load unknown';
  process.stdout.write(
    `${result.database}: ${result.acceptedPerSecond.toFixed(0)} accepted/s, ${result.deliveredPerSecond.toFixed(0)} delivered/s, ` +
      `send p50/p99 ${result.latencyMs.p50.toFixed(1)}/${result.latencyMs.p99.toFixed(1)} ms; server process ${(result.serverCpu * 100).toFixed(0)}% of one core, ` +
      `${result.cpuMsPerEnvelope.toFixed(2)} CPU ms per envelope (server${result.database === 'postgres' ? ' + PostgreSQL' : ''}); ` +
      `${load}; setup ${result.setupSeconds.toFixed(0)} s\n`,
  );
}
