/**
 * Escalation latency (issue 18): from the moment an unacknowledged STAT message's backup step is
 * due to the backup's main process holding the decrypted message, beyond the configured delay;
 * p50/p95/p99/max over 200 messages with 200 clients connected, on PostgreSQL. Against a
 * baseline measured in the same run under the same load: a plain message from send to the same
 * recipients' cores holding it.
 *
 * Processes (as on separate machines; everything shares this machine's two cores):
 *   server child      startServer() on a throwaway PostgreSQL cluster (test/support/postgres.ts),
 *                     the organisation's escalation times set to the minimum delay: backup after
 *                     60 s (MIN_ESCALATION_DELAY_MS), everyone after 120 s, no re-alerts
 *   sender child      a nurse's real core: STAT messages to role addresses (the core routes them
 *                     by the on-call schedule and seals to on-call and backup, signing the plan)
 *   4 backup children real cores, one per role's backup: their main processes verify, open and
 *                     store what is released to them. Four, not more: each is a whole workstation
 *                     (SQLCipher vault and audit workers) on two shared cores, and each takes 50
 *                     of the 200 escalations, about one every 1.2 s
 *   this process      195 other connected clients as lean streams (lean-load.ts): the 4 on-call
 *                     physicians (they receive the STAT messages at once and never acknowledge),
 *                     and idle clinicians (3 sessions per account), of whom 24 sessions chat in
 *                     the background, 2 messages a second in all, as the round-trip bench's level 200
 * Streams: 1 + 4 + 195 = 200.
 *
 * Four role addresses, each with a shift now: on call one physician, backup another. The sender
 * sends 200 STAT messages, one every 300 ms, to the addresses in turn; nobody acknowledges, so
 * each comes due for its backup 60 s after the server accepted it, one every 300 ms for a minute.
 * ESCALATION — start: the step's due time as the server stored it (`escalation_alerts.due_at`:
 *   acceptance on the server's clock + 60 s); stop: the backup's core emits
 *   `conversations.changed`, synchronously after its vault stored the message it verified and
 *   opened. Between them: the release timer (every 500 ms, server/server.ts) and its transaction
 *   (claim FOR UPDATE SKIP LOCKED, the envelope to the backup's feed, the escalation event, NOTIFY),
 *   the backup's stream reading its feed and pushing the envelope, the core verifying, opening and
 *   storing it.
 * BASELINE — while the escalations fall due: 200 routine messages from the same sender core to
 *   the same backup cores, one at a time, ~300 ms apart; start: the sender's core receives
 *   `message.send`; stop: as above. This is the message-round-trip bench's encrypted series at
 *   level 200 under this bench's load.
 * Clocks: the server's due and release times are epoch ms (Date.now, its clock); the workstations
 * stamp CLOCK_MONOTONIC. Both are this machine's clocks, read by every process alike (no skew);
 * the offset between them is read here, and the server's times are moved onto CLOCK_MONOTONIC.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, type PostgresCluster } from '../test/support/postgres';
import { openDatabase } from '../server/db/open-database';
import { addShift } from '../server/directory/role-shift-admin';
import { MIN_ESCALATION_DELAY_MS } from '../shared/protocol/escalation';
import type { Benchmark, Figure } from './bench-kit';
import { byId, escalationStages, spread, wallToMonoOffset, type EscalationStamps } from './escalation-latency/stages';
import { startChatter, type Chatter } from './support/chatter';
import { monoMs, repoRoot, startChild, type ChildHandle } from './support/child-rpc';
import { benchAccount, signInMany, type BenchAccount, type RawClient } from './support/clients';
import { leanStream, type LeanStream } from './support/lean-load';
import { cpuMs, cpuOf, describeLoad, loadOver, machineBusyMs, postgresCpuMs } from './support/machine-load';
import { profiled, startServerProcess } from './support/server-process';
import { percentile, round } from './support/stats';
import { sleep } from './support/timing';
import type { FrameStamp, Trace } from './support/trace';

const CONNECTED = 200;
const BACKUPS = 4;
const MESSAGES = Number(process.env.WARDLINE_BENCH_SAMPLES ?? 200);
const BASELINE = MESSAGES;
const DELAY_MS = MIN_ESCALATION_DELAY_MS;
const SEND_EVERY_MS = 300;
const GOAL_MS = 1_000;
const SESSIONS_PER_ACCOUNT = 3;
const CHATTER_SESSIONS = 24;
const CHATTER_RATE_PER_CLIENT = 0.01;
const HELD_TIMEOUT_MS = 15_000;
const TEXT =
  'Bed 12: K+ 6.1 on the 14:00 bloods, repeat sent. ECG shows peaked T waves. Calcium gluconate and insulin-dextrose given per protocol. Please review on your round and advise on further management; family aware and updated at 14:40.';

interface Sent {
  readonly t0: number;
  readonly messageId: string;
  readonly conversationId: string;
}

/** A backup's `held` events: the first per escalated conversation, and waiters for the baseline's conversation. */
function heldEvents(backup: ChildHandle) {
  const first = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const baseline = new Set<string>();
  let strays = 0;
  backup.onEvent((name, data) => {
    if (name !== 'held') return;
    const { conversationId, at } = data as { conversationId: string; at: number };
    const waiter = waiters.get(conversationId);
    if (waiter) {
      waiters.delete(conversationId);
      waiter(at);
    } else if (baseline.has(conversationId) || first.has(conversationId)) strays += 1;
    else first.set(conversationId, at);
  });
  return {
    first,
    strays: () => strays,
    /** The next message stored in `conversationId` (register before sending). */
    next(conversationId: string): Promise<number> {
      baseline.add(conversationId);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message stored in time')), HELD_TIMEOUT_MS);
        waiters.set(conversationId, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
    },
  };
}

export const benchmark: Benchmark = {
  name: 'escalation-latency',
  description: `STAT step due → the backup's main process holds the decrypted message, beyond the ${String(DELAY_MS / 1000)} s delay; ${String(MESSAGES)} messages, ${String(CONNECTED)} connected clients, PostgreSQL; vs a plain message's send → held in the same run`,
  async run() {
    const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-bench-esc-'));
    const children: ChildHandle[] = [];
    const clients: RawClient[] = [];
    const streams: LeanStream[] = [];
    let chatter: Chatter | null = null;
    let cluster: PostgresCluster | null = null;
    try {
      const setupStarted = performance.now();
      cluster = await startPostgres();
      const databaseUrl = await cluster.createDatabase();
      const server = await startServerProcess({
        dataDir: path.join(root, 'server'),
        databaseUrl,
        escalation: { repeatEveryMs: null, backupAfterMs: DELAY_MS, everyoneAfterMs: 2 * DELAY_MS },
        onChild: (child) => children.push(child),
      });
      const { endpoint } = server;

      const nurse = benchAccount('esc.sender', 'nurse', 'Grace Adams');
      const backups = Array.from({ length: BACKUPS }, (_, i) =>
        benchAccount(`esc.backup.${String(i)}`, 'physician', `Backup ${String(i)}`),
      );
      const onCall = Array.from({ length: BACKUPS }, (_, i) =>
        benchAccount(`esc.oncall.${String(i)}`, 'physician', `On call ${String(i)}`),
      );
      const crowdSessions = CONNECTED - 1 - 2 * BACKUPS;
      const crowdAccounts: BenchAccount[] = Array.from(
        { length: Math.ceil(crowdSessions / SESSIONS_PER_ACCOUNT) },
        (_, i) => benchAccount(`esc.crowd.${String(i).padStart(3, '0')}`, i % 3 === 0 ? 'physician' : 'nurse'),
      );
      await server.createAccounts([nurse, ...backups, ...onCall, ...crowdAccounts]);
      const addresses = backups.map((_, i) => `role:bench-cardiology-${String(i)}`);
      const admin = await openDatabase({ dataDir: path.join(root, 'admin'), databaseUrl });
      try {
        for (const [i, addressId] of addresses.entries()) {
          const [person, backup] = [onCall[i], backups[i]];
          if (person === undefined || backup === undefined) throw new Error('missing accounts');
          await server.createRoleAddress({
            addressId,
            displayName: `Cardiology on call ${String(i)}`,
            department: 'Cardiology',
            description: 'Bench role address',
            members: [person.userId, backup.userId],
          });
          const now = Date.now();
          const shift = await addShift(
            { db: admin, clock: Date.now },
            {
              addressId,
              userId: person.userId,
              backupUserId: backup.userId,
              startsAt: now - 3_600_000,
              endsAt: now + 11 * 3_600_000,
            },
            'it.bench',
          );
          if (!shift.ok) throw new Error(`shift: ${shift.error}`);
        }
      } finally {
        await admin.close();
      }

      const script = path.join(repoRoot, 'bench/support/escalation-station-child.ts');
      const stations = await Promise.all(Array.from({ length: 1 + BACKUPS }, () => startChild(script)));
      children.push(...stations);
      const [sender, ...backupStations] = stations;
      if (sender === undefined) throw new Error('no sender');
      const held = backupStations.map(heldEvents);
      const crowdDir = mkdtempSync(path.join(root, 'crowd-'));
      const chatterAccounts = crowdAccounts.slice(0, CHATTER_SESSIONS / SESSIONS_PER_ACCOUNT);
      // The crowd signs in here while the workstations sign in in their own processes (two at a
      // time: each sign-in is an Argon2id of 64 MiB on this machine's two cores).
      const setups = stations.map((station, i) => ({
        station,
        account: i === 0 ? nurse : backups[i - 1],
      }));
      const [, onCallClients, chatterClients, idleClients] = await Promise.all([
        (async () => {
          for (let i = 0; i < setups.length; i += 2) {
            await Promise.all(
              setups.slice(i, i + 2).map(({ station, account }) =>
                station.call('setup', {
                  endpoint,
                  dataDir: mkdtempSync(path.join(root, 'ws-')),
                  account,
                  text: TEXT,
                }),
              ),
            );
          }
        })(),
        signInMany(endpoint, onCall, { sessionsPerAccount: 1, dataDir: crowdDir, identity: true, parallel: 2 }),
        signInMany(endpoint, chatterAccounts, {
          sessionsPerAccount: SESSIONS_PER_ACCOUNT,
          dataDir: crowdDir,
          identity: true,
          parallel: 2,
        }),
        signInMany(endpoint, crowdAccounts.slice(chatterAccounts.length), {
          sessionsPerAccount: SESSIONS_PER_ACCOUNT,
          dataDir: crowdDir,
          parallel: 2,
          total: crowdSessions - CHATTER_SESSIONS,
        }),
      ]);
      clients.push(...onCallClients, ...chatterClients, ...idleClients);
      for (const client of clients) {
        const token = client.server.token();
        if (token === null) throw new Error('no token');
        streams.push(leanStream(endpoint, token));
      }
      await Promise.all(streams.map((s) => s.ready));
      const connected = streams.length + stations.length;
      if (connected !== CONNECTED) throw new Error(`${String(connected)} streams, expected ${String(CONNECTED)}`);

      // The sender finds each address (as the composer's search does) and opens a direct
      // conversation with each backup (pinning each other's keys; not measured).
      for (const [i, addressId] of addresses.entries()) {
        const shifts = await sender.call<{ userId: string; backupUserId: string | null }[] | null>('findRole', {
          addressId,
        });
        if (shifts?.[0]?.userId !== onCall[i]?.userId || shifts?.[0]?.backupUserId !== backups[i]?.userId)
          throw new Error(`${addressId}: the directory does not show the shift`);
      }
      const direct: string[] = [];
      for (const [i, backup] of backups.entries()) {
        const opened = await sender.call<Sent>('openDirect', { to: backup.userId });
        await held[i]?.next(opened.conversationId);
        direct.push(opened.conversationId);
      }
      const setupSeconds = (performance.now() - setupStarted) / 1000;
      process.stdout.write(
        `setup: ${setupSeconds.toFixed(1)} s; ${String(connected)} streams (${String(stations.length)} workstation cores)\n`,
      );

      await Promise.all([server.child.call('trace'), ...backupStations.map((b) => b.call('frames'))]);
      const expectedSeconds = (MESSAGES * SEND_EVERY_MS + DELAY_MS + BASELINE * SEND_EVERY_MS) / 1000;
      chatter = await startChatter(chatterClients, CONNECTED * CHATTER_RATE_PER_CLIENT, expectedSeconds * 2, TEXT);
      const databasePort = Number(new URL(databaseUrl).port);
      const cpu = async () => [
        await server.cpuMs(),
        postgresCpuMs(databasePort) ?? 0,
        ...(await Promise.all(stations.map((s) => cpuOf(s)))),
        cpuMs(process.cpuUsage()),
      ];
      const cpuBefore = await cpu();
      const busyBefore = machineBusyMs();
      const started = monoMs();

      const stats: (Sent & { backup: number })[] = [];
      const baseline: { backup: number; id: string; t0: number; t1: number }[] = [];
      await profiled(
        {
          server: server.child,
          sender,
          ...Object.fromEntries(backupStations.map((b, i) => [`backup${String(i)}`, b])),
        },
        'escalation-latency',
        async () => {
          // The STAT messages, one every SEND_EVERY_MS, to the addresses in turn.
          for (let i = 0; i < MESSAGES; i += 1) {
            const wait = started + i * SEND_EVERY_MS - monoMs();
            if (wait > 0) await sleep(wait);
            const sent = await sender.call<Sent>('sendStat', { addressId: addresses[i % BACKUPS] });
            stats.push({ ...sent, backup: i % BACKUPS });
          }
          // The baseline, one at a time, while those fall due.
          const firstDue = started + DELAY_MS - monoMs();
          if (firstDue > 0) await sleep(firstDue);
          for (let i = 0; i < BASELINE; i += 1) {
            const backup = i % BACKUPS;
            const conversationId = direct[backup] ?? '';
            const stored = held[backup]?.next(conversationId);
            const sent = await sender.call<Sent>('sendDirect', { conversationId });
            const t1 = await stored;
            if (t1 === undefined) throw new Error('no backup');
            baseline.push({ backup, id: sent.messageId, t0: sent.t0, t1 });
            await sleep(SEND_EVERY_MS - 50 + randomInt(100));
          }
          // Every escalation held (the last fell due about when the baseline began its last stretch).
          const deadline = monoMs() + DELAY_MS;
          while (stats.some((s) => !held[s.backup]?.first.has(s.conversationId)) && monoMs() < deadline)
            await sleep(100);
        },
      );
      const seconds = (monoMs() - started) / 1000;
      const busyAfter = machineBusyMs();
      const cpuAfter = await cpu();
      await chatter.stop();
      const chatterSent = chatter.sent();
      if (chatter.failed() > 0) throw new Error(`${String(chatter.failed())} background messages were refused`);
      chatter = null;
      const load = loadOver(
        busyBefore,
        busyAfter,
        seconds * 1000,
        cpuAfter.reduce((total, v, i) => total + v - (cpuBefore[i] ?? 0), 0),
      );

      // What each backup's vault holds: its escalations, the opener and its baseline messages, once each.
      const incoming = await Promise.all(backupStations.map((b) => b.call<number>('incoming')));
      for (const [i, count] of incoming.entries()) {
        const expected = stats.filter((s) => s.backup === i).length + 1 + baseline.filter((b) => b.backup === i).length;
        if (count !== expected || held[i]?.strays() !== 0)
          throw new Error(`backup ${String(i)} holds ${String(count)} messages, expected ${String(expected)}`);
      }

      // The server's own record of each backup step: due, and when its release ran.
      const rows = (await cluster.execute(
        databaseUrl,
        'SELECT message_id::text AS id, due_at::text AS due, done_at::text AS done FROM escalation_alerts WHERE step = 0',
      )) as { id: string; due: string; done: string | null }[];
      const alerts = new Map(rows.map((row) => [row.id, row]));
      const offset = wallToMonoOffset(() => ({ wall: Date.now(), mono: monoMs() }));
      const serverTrace = await server.child.call<Trace>('trace');
      const received = byId((await Promise.all(backupStations.map((b) => b.call<FrameStamp[]>('frames')))).flat());
      const sentFrames = byId(serverTrace.frames);
      const stages = stats.map((s) => {
        const alert = alerts.get(s.messageId);
        const at = held[s.backup]?.first.get(s.conversationId);
        if (alert?.done == null || at === undefined) throw new Error(`message ${s.messageId} was not escalated`);
        const stamps: EscalationStamps = {
          messageId: s.messageId,
          dueAt: Number(alert.due),
          releasedAt: Number(alert.done),
          held: at,
        };
        return escalationStages(stamps, offset, sentFrames, received);
      });
      const baselineTotals = baseline.map((b) => b.t1 - b.t0);
      const baselineOpen = baseline.map((b) => {
        const at = received.get(b.id)?.[0];
        return at === undefined ? null : b.t1 - at;
      });

      const totals = stages.map((s) => s.total);
      process.stdout.write(
        `${String(stages.length)} escalations and ${String(baseline.length)} baseline messages in ${seconds.toFixed(0)} s, ` +
          `${String(chatterSent)} background messages; ${describeLoad(load)}\n`,
      );
      console.table({
        'escalation: due → held (beyond the delay)': spread(totals),
        '  release timer wait (due → release ran)': spread(stages.map((s) => s.timerWait)),
        '  release → frame sent': spread(stages.map((s) => s.releaseToSent)),
        '  frame sent → received': spread(stages.map((s) => s.sentToReceived)),
        '  received → held (verify, open, store)': spread(stages.map((s) => s.receivedToHeld)),
        '  release ran → held': spread(stages.map((s) => s.total - s.timerWait)),
        'baseline: send → held': spread(baselineTotals),
        '  received → held (baseline)': spread(baselineOpen),
      });
      const p99 = percentile(totals, 99);
      process.stdout.write(
        `goal: p99 ≤ ${String(GOAL_MS)} ms beyond the delay: ${round(p99)} ms, ${p99 <= GOAL_MS ? 'PASS' : 'FAIL'}\n`,
      );

      const ms = (value: number, goal: string | null = null): Figure => ({ value: round(value, 1), unit: 'ms', goal });
      const afterRelease = stages.map((s) => s.total - s.timerWait);
      return {
        p50_ms: ms(percentile(totals, 50)),
        p95_ms: ms(percentile(totals, 95)),
        p99_ms: ms(p99, `<= ${String(GOAL_MS)}`),
        max_ms: ms(Math.max(...totals)),
        baseline_p50_ms: ms(percentile(baselineTotals, 50)),
        baseline_p95_ms: ms(percentile(baselineTotals, 95)),
        baseline_p99_ms: ms(percentile(baselineTotals, 99)),
        baseline_max_ms: ms(Math.max(...baselineTotals)),
        ratio_p50_vs_baseline: {
          value: round(percentile(totals, 50) / percentile(baselineTotals, 50), 2),
          unit: 'ratio',
          goal: null,
        },
        ratio_p99_vs_baseline: {
          value: round(p99 / percentile(baselineTotals, 99), 2),
          unit: 'ratio',
          goal: null,
        },
        release_timer_wait_p50_ms: ms(
          percentile(
            stages.map((s) => s.timerWait),
            50,
          ),
        ),
        release_timer_wait_p99_ms: ms(
          percentile(
            stages.map((s) => s.timerWait),
            99,
          ),
        ),
        release_timer_wait_max_ms: ms(Math.max(...stages.map((s) => s.timerWait))),
        after_release_p50_ms: ms(percentile(afterRelease, 50)),
        after_release_p99_ms: ms(percentile(afterRelease, 99)),
        messages: { value: stages.length, unit: 'messages', goal: null },
        connected_clients: { value: connected, unit: 'streams', goal: null },
        delay_ms: { value: DELAY_MS, unit: 'ms', goal: null },
        setup_seconds: { value: round(setupSeconds, 1), unit: 's', goal: null },
        // How busy the shared machine was meanwhile, and how much of it was not this bench.
        ...(load === null
          ? {}
          : {
              machine_busy_percent: { value: round(load.machine * 100, 0), unit: '%', goal: null },
              other_processes_percent: { value: round(load.others * 100, 0), unit: '%', goal: null },
            }),
      } satisfies Record<string, Figure>;
    } finally {
      await chatter?.stop().catch(() => undefined);
      await Promise.all(streams.map((s) => s.close()));
      await Promise.all(clients.map((client) => client.close()));
      // Workstations first (they sign out), the server last.
      for (const child of [...children].reverse()) await child.stop().catch(() => undefined);
      cluster?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
};
