/**
 * Message round trip over loopback through the reference server: A sends, and the clock stops
 * when B's main process has verified, decrypted and stored the message in its SQLCipher vault.
 * p50 and p99 with 1, 50 and 200 connected clients, against a baseline relayed without client
 * encryption through the same server in the same run.
 *
 * Processes (as on separate machines; everything shares this machine's two cores):
 *   server child      startServer() on PostgreSQL (or PGlite), its password-hash worker
 *   sender child      A's real main-process core, and the baseline sender A'
 *   recipient child   B's real main-process core, and the baseline recipient B'
 *   this process      the other connected clinicians (raw sessions with the client's real feed
 *                     stream), background chatter, and the coordination
 * Stamps are CLOCK_MONOTONIC, shared by all processes; the coordination's IPC is outside them.
 *
 * ENCRYPTED (the figures without `baseline`) — the real path, start to stop:
 *   start: A's core receives `message.send` through its IPC router (as from the renderer).
 *   A: request validated; conversation read from the vault; recipient keys read from the pins
 *      in the vault (a reply asks no directory: the relay refuses a key that is no longer the
 *      recipient's, and that refusal becomes the key-change warning); body sealed (XChaCha20-Poly1305, content key sealed to B and to A, Ed25519 signature);
 *      message and envelope written to the vault outbox; outbox read back and POSTed (HTTPS).
 *   server: authenticates, validates, verifies the signature, stores envelope and feed events
 *      (PGlite transaction), NOTIFY; B's stream reads its feed and pushes the frame (WebSocket).
 *   B: frame parsed and validated; sender's pinned signing key read from the vault; signature
 *      verified, content key and body opened, body validated; message stored in the vault.
 *   stop: B's core emits `conversations.changed`, synchronously after the vault has the message
 *      (not `thread.changed`: B's own delivery receipt, echoed on its feed, fires that one too).
 *
 * BASELINE (`*_baseline`) — the same payload through the same server and transport, minus the
 * client's end-to-end encryption. A' and B' are another pair of accounts in the same two
 * processes, each with its own session, stream, SQLCipher store (same worker, same schema) and
 * the client's real outbox sender, feed stream and receipt queue.
 *   Includes: the conversation read from the store; a message row and the envelope written to
 *      the outbox (same transaction as the core's); outbox read back and POSTed by the real
 *      outbox sender (same HTTPS agent settings); everything the server does (it still verifies
 *      the signature: the envelope is a real one, same size: same text, same two key recipients);
 *      the push; B' parsing and validating the frame and storing the message row with the
 *      envelope bytes and a body of the same text (not decrypted: the bench knows it). Stop: the
 *      store has answered, as for B.
 *   Excludes: sealing (done before the clock started) and opening/verifying on B'; the
 *      pinned-key reads on A' and B' (key management that exists only for end-to-end
 *      encryption); A's IPC request validation.
 * So encrypted − baseline is the client's cost of end-to-end encryption: pinned keys plus seal
 * and open. The stage table it prints (message-round-trip/stages.ts) splits it further.
 *
 * Load: level n = n signed-in WebSocket streams on the server. Level 1 is the measuring clients
 * alone (A, B, A', B'); at 50 and 200 the others are idle clinicians (3 sessions per account, each
 * with its own device) of whom 24 sessions also chat: n/100 messages a second in all (at 200, 2/s;
 * each clinician about one message every 100 s), sealed beforehand, posted at exponential gaps.
 * Samples alternate encrypted/baseline, one message in flight, 20-45 ms apart (B's receipt and
 * A's copy of its own message settle in between, as they would between a clinician's messages).
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, type PostgresCluster } from '../test/support/postgres';
import type { Benchmark, Figure } from './bench-kit';
import {
  printStages,
  stagesOf,
  type LevelResult,
  type Sample,
  type Series,
  type Stages,
} from './message-round-trip/stages';
import { storedEvents } from './message-round-trip/stored-events';
import { startChatter, type Chatter } from './support/chatter';
import { monoMs, repoRoot, startChild, type ChildHandle } from './support/child-rpc';
import {
  benchAccount,
  connectStream,
  signInMany,
  type BenchAccount,
  type RawClient,
  type StreamConnection,
} from './support/clients';
import { cpuMs, cpuOf, describeLoad, loadOver, machineBusyMs } from './support/machine-load';
import { profileDir, profiled, startServerProcess } from './support/server-process';
import { percentile, percentiles, round } from './support/stats';
import { sleep } from './support/timing';
import type { Trace } from './support/trace';

const LEVELS = [1, 50, 200] as const;
const MEASURING_CONNECTIONS = 4;
const SAMPLES = Number(process.env.WARDLINE_BENCH_SAMPLES ?? 400);
const WARMUP = 40;
const SESSIONS_PER_ACCOUNT = 3;
const CHATTER_SESSIONS = 24;
/** Messages a second per connected client, in the background. */
const CHATTER_RATE_PER_CLIENT = 0.01;
export type RoundTripDatabase = 'postgres' | 'pglite';

/** About 240 characters, a typical ward message (invented, no real patient). */
const TEXT =
  'Bed 12: K+ 6.1 on the 14:00 bloods, repeat sent. ECG shows peaked T waves. Calcium gluconate and insulin-dextrose given per protocol. Please review on your round and advise on further management; family aware and updated at 14:40.';

/**
 * `message-round-trip` runs the server on PostgreSQL, as a hospital deploys it (the goal is
 * judged there); `message-round-trip-pglite` on the embedded store for a single site and
 * `npm start`, where PGlite runs every query on the server's own thread.
 */
export function roundTripBenchmark(database: RoundTripDatabase): Benchmark {
  return {
    name: database === 'postgres' ? 'message-round-trip' : 'message-round-trip-pglite',
    description: `A sends → B's main process has verified, decrypted and stored it, through the server (${database === 'postgres' ? 'PostgreSQL' : 'PGlite'}) over loopback; ${String(SAMPLES)} samples per series and level, vs the same payload relayed without client encryption`,
    async run(charts) {
      const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-bench-rt-'));
      const children: ChildHandle[] = [];
      const crowd: RawClient[] = [];
      const streams: StreamConnection[] = [];
      let chatter: Chatter | null = null;
      let cluster: PostgresCluster | null = null;
      try {
        const setupStarted = performance.now();
        if (database === 'postgres') cluster = await startPostgres();
        const databaseUrl = cluster === null ? undefined : await cluster.createDatabase();
        const server = await startServerProcess({
          dataDir: path.join(root, 'server'),
          ...(databaseUrl === undefined ? {} : { databaseUrl }),
          onChild: (child) => children.push(child),
        });
        const { endpoint } = server;

        const a = benchAccount('rt.sender.enc', 'nurse', 'Philippa Adams');
        const aBase = benchAccount('rt.sender.raw', 'nurse', 'Philippa Adams');
        const b = benchAccount('rt.recipient.enc', 'physician', 'Chidinma Okafor');
        const bBase = benchAccount('rt.recipient.raw', 'physician', 'Chidinma Okafor');
        const others = Math.max(...LEVELS) - MEASURING_CONNECTIONS;
        const crowdAccounts: BenchAccount[] = Array.from({ length: Math.ceil(others / SESSIONS_PER_ACCOUNT) }, (_, i) =>
          benchAccount(`rt.crowd.${String(i).padStart(3, '0')}`, i % 3 === 0 ? 'physician' : 'nurse'),
        );
        await server.createAccounts([a, aBase, b, bBase, ...crowdAccounts]);
        const accountsDone = performance.now();

        const workstation = path.join(repoRoot, 'bench/support/workstation-child.ts');
        const [sender, recipient] = await Promise.all([startChild(workstation), startChild(workstation)]);
        children.push(sender, recipient);
        const stored = storedEvents(recipient);
        const crowdDir = mkdtempSync(path.join(root, 'crowd-'));
        const chatterAccounts = crowdAccounts.slice(0, CHATTER_SESSIONS / SESSIONS_PER_ACCOUNT);
        // The crowd signs in here while the two workstations sign in in their own processes.
        const [, , chatterClients, idleClients] = await Promise.all([
          recipient.call('setup', {
            role: 'recipient',
            endpoint,
            dataDir: mkdtempSync(path.join(root, 'b-')),
            real: b,
            baseline: bBase,
            text: TEXT,
          }),
          sender.call('setup', {
            role: 'sender',
            endpoint,
            dataDir: mkdtempSync(path.join(root, 'a-')),
            real: a,
            baseline: aBase,
            text: TEXT,
          }),
          signInMany(endpoint, chatterAccounts, {
            sessionsPerAccount: SESSIONS_PER_ACCOUNT,
            dataDir: crowdDir,
            identity: true,
            parallel: 2,
          }),
          signInMany(endpoint, crowdAccounts.slice(chatterAccounts.length), {
            sessionsPerAccount: SESSIONS_PER_ACCOUNT,
            dataDir: crowdDir,
            parallel: 3,
            total: others - CHATTER_SESSIONS,
          }),
        ]);
        crowd.push(...chatterClients, ...idleClients);
        const opened = await sender.call<{ envelopeBytes: number }>('openConversations', {
          realTo: b.userId,
          baselineTo: bBase.userId,
        });
        await stored.next('encrypted');
        await stored.next('baseline');
        const setupSeconds = (performance.now() - setupStarted) / 1000;
        process.stdout.write(
          `setup: ${setupSeconds.toFixed(1)} s (${database} server and ${String(4 + crowdAccounts.length)} accounts ${((accountsDone - setupStarted) / 1000).toFixed(1)} s; ` +
            `${String(crowd.length + 4)} sessions signed in); envelope ${String(opened.envelopeBytes)} bytes\n`,
        );

        const crypto = await sender.call<{ sealMs: number; openMs: number }>('cryptoTimings', { rounds: 400 });
        const results: LevelResult[] = [];
        for (const level of LEVELS) {
          // Connect the crowd up to this level (chatting sessions first).
          const wanted = level - MEASURING_CONNECTIONS;
          while (streams.length < wanted) {
            const client = crowd[streams.length];
            if (client === undefined) throw new Error('not enough crowd sessions');
            streams.push(connectStream(endpoint, client));
          }
          await Promise.all(streams.map((s) => s.online));
          const rate = level > MEASURING_CONNECTIONS ? level * CHATTER_RATE_PER_CLIENT : 0;
          const expectedSeconds = ((SAMPLES + WARMUP) * 2 * 50) / 1000;
          await sender.call('preseal', { to: bBase.userId, count: SAMPLES + WARMUP });
          chatter = await startChatter(chatterClients.slice(0, Math.max(0, wanted)), rate, expectedSeconds * 2, TEXT);
          await Promise.all([
            server.child.call('trace'),
            sender.call('trace'),
            recipient.call('trace'),
            server.child.call('queries'),
          ]);
          const cpuBefore = await Promise.all([server.cpuMs(), cpuOf(sender), cpuOf(recipient), ownCpuMs()]);
          const busyBefore = machineBusyMs();
          const started = monoMs();

          const samples: Sample[] = [];
          await profiled({ server: server.child, sender, recipient }, `round-trip-${String(level)}`, async () => {
            for (let i = 0; i < SAMPLES + WARMUP; i += 1) {
              const order: Series[] = i % 2 === 0 ? ['encrypted', 'baseline'] : ['baseline', 'encrypted'];
              for (const series of order) {
                await sleep(20 + randomInt(26));
                const waiting = stored.next(series);
                const sent = await sender.call<{ t0: number; id: string }>(
                  series === 'encrypted' ? 'sendEncrypted' : 'sendBaseline',
                );
                const done = await waiting;
                if (done.id !== undefined && done.id !== sent.id)
                  throw new Error(`baseline stored ${done.id}, expected ${sent.id}`);
                if (i >= WARMUP) samples.push({ series, id: sent.id, t0: sent.t0, t1: done.at });
              }
            }
          });

          const seconds = (monoMs() - started) / 1000;
          const busyAfter = machineBusyMs();
          const cpuAfter = await Promise.all([server.cpuMs(), cpuOf(sender), cpuOf(recipient), ownCpuMs()]);
          const load = loadOver(
            busyBefore,
            busyAfter,
            seconds * 1000,
            cpuAfter.reduce((sum, v, i) => sum + v - (cpuBefore[i] ?? 0), 0),
          );
          if (profileDir() !== null) printQueries(level, await server.child.call('queries'));
          await chatter.stop();
          const chatterSent = chatter.sent();
          if (chatter.failed() > 0) throw new Error(`${String(chatter.failed())} background messages were refused`);
          chatter = null;
          const [serverTrace, senderTrace, recipientTrace] = await Promise.all([
            server.child.call<Trace>('trace'),
            sender.call<Trace>('trace'),
            recipient.call<Trace>('trace'),
          ]);
          const stages: Record<Series, Stages[]> = { encrypted: [], baseline: [] };
          for (const sample of samples) {
            const found = stagesOf(sample, senderTrace, serverTrace, recipientTrace);
            if (found) stages[sample.series].push(found);
          }
          const messages = (SAMPLES + WARMUP) * 2;
          results.push({
            level,
            encrypted: samples.filter((s) => s.series === 'encrypted').map((s) => s.t1 - s.t0),
            baseline: samples.filter((s) => s.series === 'baseline').map((s) => s.t1 - s.t0),
            stages,
            cpuMsPerMessage: {
              server: (cpuAfter[0] - cpuBefore[0]) / (messages + chatterSent),
              sender: (cpuAfter[1] - cpuBefore[1]) / messages,
              recipient: (cpuAfter[2] - cpuBefore[2]) / messages,
            },
            chatterSent,
            seconds,
            load,
          });
          process.stdout.write(
            `level ${String(level)}: ${String(MEASURING_CONNECTIONS + streams.length)} streams, ${String(chatterSent)} background messages in ${seconds.toFixed(0)} s; ${describeLoad(load)}; ` +
              `p50/p99 encrypted ${round(percentile(results.at(-1)?.encrypted ?? [], 50))}/${round(percentile(results.at(-1)?.encrypted ?? [], 99))} ms, ` +
              `baseline ${round(percentile(results.at(-1)?.baseline ?? [], 50))}/${round(percentile(results.at(-1)?.baseline ?? [], 99))} ms\n`,
          );
        }

        // Every message arrived once: the vaults hold what was sent (plus the two openers).
        const counts = await recipient.call<{ encrypted: number; baseline: number }>('counts');
        const expected = LEVELS.length * (SAMPLES + WARMUP) + 1;
        if (counts.encrypted !== expected || counts.baseline !== expected || stored.pending() > 0) {
          throw new Error(
            `recipient stored ${JSON.stringify(counts)} (+${String(stored.pending())} unclaimed), expected ${String(expected)} each`,
          );
        }

        printStages(results);
        console.table(
          results.map((r) => ({
            level: r.level,
            'server CPU ms/msg': round(r.cpuMsPerMessage.server),
            'sender process CPU ms/msg': round(r.cpuMsPerMessage.sender),
            'recipient process CPU ms/msg': round(r.cpuMsPerMessage.recipient),
            'machine busy %': r.load ? round(r.load.machine * 100, 0) : '',
            'other processes %': r.load ? round(r.load.others * 100, 0) : '',
          })),
        );

        charts.add({
          kind: 'distribution',
          title: `Round trip, sender to stored at the recipient (${database === 'postgres' ? 'PostgreSQL' : 'PGlite'})`,
          unit: 'ms',
          series: Object.fromEntries(
            results.flatMap((r) => [
              [`end to end encrypted, ${String(r.level)} connected`, percentiles(r.encrypted)],
              [`relayed without encryption, ${String(r.level)} connected`, percentiles(r.baseline)],
            ]),
          ),
        });
        charts.add({
          kind: 'line',
          title: 'Round trip p99 against connected clients',
          x: 'connected clients',
          y: 'ms',
          series: {
            'end to end encrypted': results.map((r) => [r.level, round(percentile(r.encrypted, 99))] as const),
            'relayed without encryption': results.map((r) => [r.level, round(percentile(r.baseline, 99))] as const),
          },
        });

        const figures: Record<string, Figure> = {};
        for (const r of results) {
          figures[`p50_ms_${String(r.level)}`] = {
            value: round(percentile(r.encrypted, 50), 3),
            unit: 'ms',
            goal: null,
          };
          figures[`p99_ms_${String(r.level)}`] = {
            value: round(percentile(r.encrypted, 99), 3),
            unit: 'ms',
            goal: r.level === 200 ? '<= 25' : null,
          };
        }
        for (const r of results) {
          figures[`p50_ms_${String(r.level)}_baseline`] = {
            value: round(percentile(r.baseline, 50), 3),
            unit: 'ms',
            goal: null,
          };
          figures[`p99_ms_${String(r.level)}_baseline`] = {
            value: round(percentile(r.baseline, 99), 3),
            unit: 'ms',
            goal: null,
          };
        }
        const top = results.find((r) => r.level === 200);
        if (top) {
          figures.encryption_overhead_ratio_p50_200 = {
            value: round(percentile(top.encrypted, 50) / percentile(top.baseline, 50), 3),
            unit: 'ratio',
            goal: null,
          };
          figures.encryption_overhead_ratio_p99_200 = {
            value: round(percentile(top.encrypted, 99) / percentile(top.baseline, 99), 3),
            unit: 'ratio',
            goal: null,
          };
          // A reply seals to pinned keys: this should be 0 (a directory round trip was the largest tail).
          const asked = top.stages.encrypted.filter((s) => s.keyLookup !== null).length;
          figures.directory_lookups_per_send_200 = {
            value: round(asked / Math.max(1, top.stages.encrypted.length), 3),
            unit: 'ratio',
            goal: '0',
          };
        }
        figures.seal_ms_median = { value: round(crypto.sealMs, 3), unit: 'ms', goal: null };
        figures.open_ms_median = { value: round(crypto.openMs, 3), unit: 'ms', goal: null };
        figures.samples_per_series_per_level = { value: SAMPLES, unit: 'samples', goal: null };
        figures.setup_seconds = { value: round(setupSeconds, 1), unit: 's', goal: null };
        return figures;
      } finally {
        await chatter?.stop().catch(() => undefined);
        await Promise.all(streams.map((s) => s.stream.stop()));
        await Promise.all(crowd.map((client) => client.close()));
        // Workstations first (they sign out), the server last.
        for (const child of [...children].reverse()) await child.stop().catch(() => undefined);
        cluster?.stop();
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

export const benchmark = roundTripBenchmark('postgres');

function ownCpuMs(): Promise<number> {
  return Promise.resolve(cpuMs(process.cpuUsage()));
}

function printQueries(level: number, list: { sql: string; count: number; totalMs: number; maxMs: number }[]): void {
  process.stdout.write(`server queries at level ${String(level)} (wall time, waiting included):\n`);
  console.table(
    list.slice(0, 25).map((q) => ({
      sql: q.sql,
      count: q.count,
      'mean ms': round(q.totalMs / q.count, 3),
      'max ms': round(q.maxMs),
      'total ms': round(q.totalMs, 0),
    })),
  );
}
