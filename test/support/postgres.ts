/**
 * A throwaway PostgreSQL cluster for the server's integration tests: `initdb` in a temporary
 * folder, started on a free port with its socket in that folder, one fresh database per caller,
 * stopped and deleted afterwards. As root (CI, this machine) the cluster runs as the `postgres`
 * OS user through `runuser`, because PostgreSQL refuses to run as root.
 *
 * Missing binaries are an error, never a skip: these tests exist to prove the server works on
 * a real PostgreSQL, and a suite that silently skips them proves nothing. `.ci/run` installs
 * the `postgresql` package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export interface PostgresCluster {
  /** A new, empty database; its `postgres://` URL. */
  createDatabase(): Promise<string>;
  /** Every row of a table as text, for scanning (the tests' PHI checks). */
  dumpTables(databaseUrl: string, tables: readonly string[]): Promise<string>;
  /** Runs one statement on its own connection (a test acting as an operator or a fault). */
  execute(databaseUrl: string, sql: string): Promise<unknown[]>;
  stop(): void;
}

function binDirectory(): string {
  const override = process.env.WARDLINE_PG_BIN;
  if (override !== undefined && existsSync(path.join(override, 'initdb'))) return override;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl'))) return bin;
  }
  throw new Error(
    'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and $WARDLINE_PG_BIN). ' +
      'Install them (apt-get install postgresql): the server tests run against real PostgreSQL and never skip.',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `statementStats`: loads pg_stat_statements, so a benchmark's profile mode can say which
 * statements PostgreSQL spends its time on (bench/support/postgres-statements.ts).
 */
export async function startPostgres(options: { readonly statementStats?: boolean } = {}): Promise<PostgresCluster> {
  const bin = binDirectory();
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: readonly string[]) => {
    const [file, fullArgs] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]]
      : [path.join(bin, command), [...args]];
    const result = spawnSync(file, fullArgs, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed (${String(result.status)}): ${result.stderr}`);
  };

  const directory = mkdtempSync(path.join(os.tmpdir(), 'wardline-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(directory, uid, gid);
  }
  const data = path.join(directory, 'data');
  const port = await freePort();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-s']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  };
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--no-locale']);
    const settings = `-p ${String(port)} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off${
      options.statementStats === true ? ' -c shared_preload_libraries=pg_stat_statements' : ''
    }`;
    run('pg_ctl', ['start', '-D', data, '-w', '-s', '-l', path.join(directory, 'server.log'), '-o', settings]);
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  // A crashed test run must not leave a postgres behind.
  process.once('exit', stop);

  const adminUrl = `postgres://postgres@127.0.0.1:${String(port)}/postgres`;
  let databases = 0;
  return {
    async createDatabase() {
      databases += 1;
      const name = `wardline_${String(process.pid)}_${String(databases)}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${String(port)}/${name}`;
    },
    async dumpTables(databaseUrl, tables) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        let text = '';
        for (const table of tables) {
          const result = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
          text += result.rows.map((row) => row.row).join('\n');
        }
        return text;
      } finally {
        await client.end();
      }
    },
    async execute(databaseUrl, sql) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return (await client.query(sql)).rows as unknown[];
      } finally {
        await client.end();
      }
    },
    stop,
  };
}

/** One cluster for the calling test file, started before its tests and removed after them. */
export function usePostgres(): () => PostgresCluster {
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(() => cluster?.stop());
  return () => {
    if (cluster === undefined) throw new Error('PostgreSQL cluster not started');
    return cluster;
  };
}
