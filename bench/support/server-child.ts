/**
 * Child process: the reference server exactly as `startServer` builds it (PGlite in its data
 * folder, or PostgreSQL with `databaseUrl`), plus the admin calls the benches need, CPU usage for
 * the server's share of the machine, and stage stamps of `/v1/messages/send` and of envelope
 * frames pushed on streams.
 */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { NewAccount } from '../../server/accounts/account-admin';
import type { RoleAddress } from '../../server/directory/role-address-store';
import { startServer, type RunningServer } from '../../server/server';
import type { RoleEscalationTimes } from '../../shared/protocol/escalation';
import { monoMs, serveChild } from './child-rpc';
import { drain, traceFramesSent, traceHttpServer, type Trace } from './trace';

let server: RunningServer | null = null;
const trace: Trace = { http: [], frames: [] };
traceHttpServer(trace.http, ['/v1/messages/send']);
traceFramesSent(trace.frames);

/**
 * With WARDLINE_BENCH_PROFILE set: every query's wall time (from the call to its answer, so
 * waiting behind other queries counts), by statement. Off by default: the figures are measured
 * without it.
 */
const queries = new Map<string, { count: number; totalMs: number; maxMs: number }>();
function record(sql: string, ms: number): void {
  const key = sql.replace(/\s+/g, ' ').slice(0, 90);
  const entry = queries.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
  entry.count += 1;
  entry.totalMs += ms;
  entry.maxMs = Math.max(entry.maxMs, ms);
  queries.set(key, entry);
}
if (process.env.WARDLINE_BENCH_PROFILE) {
  type Query = (this: unknown, sql: string, ...rest: unknown[]) => unknown;
  const wrapQuery = (target: { query: Query }) => {
    const original = target.query;
    target.query = function (this: unknown, sql: string, ...rest: unknown[]) {
      if (typeof sql !== 'string') return original.call(this, sql, ...rest);
      const started = monoMs();
      const callback = rest.at(-1);
      // pg-pool's pool.query calls the client with a callback and gets no promise back.
      if (typeof callback === 'function')
        return original.call(this, sql, ...rest.slice(0, -1), (...answer: unknown[]) => {
          record(sql, monoMs() - started);
          (callback as (...args: unknown[]) => void)(...answer);
        });
      return (original.call(this, sql, ...rest) as Promise<unknown>).finally(() => record(sql, monoMs() - started));
    };
  };
  const lite = PGlite.prototype as unknown as {
    query: Query;
    transaction: (this: unknown, work: (tx: { query: Query }) => Promise<unknown>) => Promise<unknown>;
  };
  wrapQuery(lite);
  const transaction = lite.transaction;
  lite.transaction = function (this: unknown, work) {
    return transaction.call(this, (tx) => {
      wrapQuery(tx);
      return work(tx);
    });
  };
  wrapQuery(pg.Client.prototype);
}

serveChild(
  {
    async start(params: { dataDir: string; databaseUrl?: string; escalation?: RoleEscalationTimes }) {
      server = await startServer({
        dataDir: params.dataDir,
        port: 0,
        log: { level: 'silent' },
        ...(params.databaseUrl === undefined ? {} : { databaseUrl: params.databaseUrl }),
        ...(params.escalation === undefined ? {} : { escalation: params.escalation }),
      });
      return { url: server.url, caPem: readFileSync(server.caCertPath, 'utf8') };
    },
    /** Several at once: the hash worker queues them, and the database work overlaps. */
    async createAccounts(accounts: readonly NewAccount[]) {
      const running = server;
      if (running === null) throw new Error('not started');
      for (let i = 0; i < accounts.length; i += 8) {
        await Promise.all(accounts.slice(i, i + 8).map((account) => running.admin.createAccount(account)));
      }
      return accounts.length;
    },
    async createRoleAddress(input: RoleAddress & { readonly members: readonly string[] }) {
      if (server === null) throw new Error('not started');
      await server.admin.createRoleAddress(input);
      return null;
    },
    cpuUsage: () => process.cpuUsage(),
    rssBytes: () => process.memoryUsage.rss(),
    trace: (): Trace => ({ http: drain(trace.http), frames: drain(trace.frames) }),
    /** Per statement: count, total and longest wall time (profile mode only); resets. */
    queries() {
      const list = [...queries].map(([sql, q]) => ({ sql, ...q })).sort((a, b) => b.totalMs - a.totalMs);
      queries.clear();
      return list;
    },
  },
  async () => {
    await server?.close();
  },
);
