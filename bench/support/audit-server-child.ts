/**
 * Child process for the audit-trail bench: the reference server exactly as `startServer` builds
 * it (PGlite in its data folder, or PostgreSQL with `databaseUrl`), the accounts the bench signs
 * in with, the count of what the server stored for a workstation (read back through the server's
 * own admin query, after the measurement), CPU usage for the server's share of the machine, and
 * where a batch's time goes on the server: each `/v1/audit/batches` request from arrival to the
 * end of its response, and every query's wall time by statement (from the call to its answer, so
 * waiting counts; BEGIN and COMMIT included). Both are stamped from outside the server's code:
 * diagnostics_channel for HTTP, a wrapper around PGlite's and pg's `query` for the database.
 */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { NewAccount } from '../../server/accounts/account-admin';
import { startServer, type RunningServer } from '../../server/server';
import { monoMs, serveChild } from './child-rpc';
import { drain, traceHttpServer, type HttpStamp } from './trace';

let server: RunningServer | null = null;
const requests: HttpStamp[] = [];
traceHttpServer(requests, ['/v1/audit/batches']);

const queries = new Map<string, { count: number; totalMs: number }>();
function record(sql: string, started: number): void {
  const key = sql.replace(/\s+/g, ' ').trim().slice(0, 70);
  const entry = queries.get(key) ?? { count: 0, totalMs: 0 };
  entry.count += 1;
  entry.totalMs += monoMs() - started;
  queries.set(key, entry);
}
{
  // Promise-style (PGlite, pg without a callback) and callback-style (pg-pool calls the client's
  // query with a callback and releases the client in it) are both timed to their answer.
  type Query = (this: unknown, sql: string, ...rest: unknown[]) => unknown;
  const wrapQuery = (target: { query: Query }) => {
    const original = target.query;
    target.query = function (this: unknown, sql: string, ...rest: unknown[]) {
      if (typeof sql !== 'string') return original.call(this, sql, ...rest);
      const started = monoMs();
      const callback = rest.at(-1);
      if (typeof callback === 'function') {
        rest[rest.length - 1] = (...args: unknown[]) => {
          record(sql, started);
          return (callback as (...args: unknown[]) => unknown)(...args);
        };
        return original.call(this, sql, ...rest);
      }
      const result = original.call(this, sql, ...rest);
      if (result instanceof Promise) return result.finally(() => record(sql, started));
      return result;
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

function running(): RunningServer {
  if (server === null) throw new Error('not started');
  return server;
}

export interface ServerTrace {
  /** Milliseconds each audit batch request took on the server, in arrival order. */
  readonly requestsMs: number[];
  readonly queries: { sql: string; count: number; totalMs: number }[];
}

serveChild(
  {
    async start(params: { dataDir: string; databaseUrl?: string }) {
      server = await startServer({
        dataDir: params.dataDir,
        port: 0,
        log: { level: 'silent' },
        ...(params.databaseUrl === undefined ? {} : { databaseUrl: params.databaseUrl }),
      });
      return { url: server.url, caPem: readFileSync(server.caCertPath, 'utf8') };
    },
    async createAccounts(accounts: readonly NewAccount[]) {
      const admin = running().admin;
      await Promise.all(accounts.map((account) => admin.createAccount(account)));
      return accounts.length;
    },
    /** The records the server holds for one workstation: how many, whether their seqs run 1..n, and the tree size. */
    async auditStored(params: { workstationId: string }) {
      const admin = running().admin;
      let records = 0;
      let inOrder = true;
      for (let afterIndex = -1; ;) {
        const page = await admin.auditRecords({ workstationId: params.workstationId, afterIndex, limit: 100_000 });
        for (const entry of page) {
          records += 1;
          if (entry.record.seq !== records) inOrder = false;
        }
        const last = page.at(-1);
        if (last === undefined || page.length < 100_000) break;
        afterIndex = last.treeIndex;
      }
      const heads = await admin.auditHeads();
      return { records, inOrder, treeSize: heads.at(-1)?.treeSize ?? 0 };
    },
    /** What was recorded since the last call. */
    trace(): ServerTrace {
      const list = [...queries].map(([sql, q]) => ({ sql, ...q })).sort((a, b) => b.totalMs - a.totalMs);
      queries.clear();
      return { requestsMs: drain(requests).map((r) => (r.end ?? r.start) - r.start), queries: list };
    },
    cpuUsage: () => process.cpuUsage(),
  },
  async () => {
    await server?.close();
  },
);
