/**
 * The one database interface over PGlite and PostgreSQL: transactions commit or roll back as
 * a whole, notifications go out on commit only, and migrations run once, forward only, even
 * when two instances start together.
 */
import { describe, expect, it } from 'vitest';
import { migrate, SchemaTooNewError } from '../../../server/db/migrate';
import { MIGRATIONS } from '../../../server/db/migrations';
import { usePostgres } from '../../support/postgres';
import { BACKENDS } from '../../support/server-fixtures';
import { useTestDatabases } from '../../support/test-databases';

const postgres = usePostgres();
const open = useTestDatabases(postgres);

const until = (predicate: () => boolean, timeoutMs = 3000) =>
  new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (predicate()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error('condition not met'));
      }
    }, 10);
  });

describe.each(BACKENDS)('database on %s', (backend) => {
  it('migrates to the newest version once and refuses a schema from a newer server', async () => {
    const db = await open(backend);
    const versions = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(await migrate(db)).toEqual([]);
    await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, $1, 0)', [
      'from the future',
    ]);
    await expect(migrate(db)).rejects.toBeInstanceOf(SchemaTooNewError);
  });

  it('commits a transaction whole or not at all, and returns 64-bit numbers as numbers', async () => {
    const db = await open(backend);
    const now = 1_795_000_000_123;
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2)', ['kept', 'x']);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2)', ['dropped', 'x']);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(
      (await db.query<{ name: string }>('SELECT name FROM server_secrets ORDER BY name')).map((row) => row.name),
    ).toEqual(['kept']);
    const [row] = await db.query<{ big: unknown }>('SELECT $1::bigint AS big', [now]);
    expect(row?.big).toBe(now);
  });

  it('delivers a notification on commit, not on rollback', async () => {
    const db = await open(backend);
    const received: (string | null)[] = [];
    const stop = await db.listen('wardline_test', (payload) => received.push(payload));
    await expect(
      db.transaction(async (tx) => {
        await tx.query("SELECT pg_notify('wardline_test', 'rolled back')");
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await db.transaction(async (tx) => {
      await tx.query("SELECT pg_notify('wardline_test', 'committed')");
    });
    await until(() => received.length > 0);
    expect(received).toEqual(['committed']);
    await stop();
  });
});

describe('two instances migrating one PostgreSQL at once', () => {
  it('apply each migration exactly once', async () => {
    const databaseUrl = await postgres().createDatabase();
    const [first, second] = await Promise.all([open('postgres', databaseUrl), open('postgres', databaseUrl)]);
    const rows = await first.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(rows).toHaveLength(MIGRATIONS.length);
    expect(await second.query('SELECT 1 FROM accounts')).toEqual([]);
  });
});

describe('prepared statements on PostgreSQL', () => {
  it('keeps answering a statement whose table another instance changed under it', async () => {
    const databaseUrl = await postgres().createDatabase();
    const [db, other] = await Promise.all([open('postgres', databaseUrl), open('postgres', databaseUrl)]);
    await db.query('CREATE TABLE wards (name text PRIMARY KEY)');
    await db.query('INSERT INTO wards (name) VALUES ($1)', ['Ward 3']);
    // Prepared on every pooled connection the reads happen to use.
    const read = () => db.query('SELECT * FROM wards WHERE name = $1', ['Ward 3']);
    await Promise.all(Array.from({ length: 10 }, read));
    // A newer instance's migration adds a column: the prepared plan's result no longer fits.
    await other.query('ALTER TABLE wards ADD COLUMN beds int');
    const answers = await Promise.all(Array.from({ length: 10 }, read));
    expect(answers).toEqual(Array.from({ length: 10 }, () => [{ name: 'Ward 3', beds: null }]));
    // In a transaction the failure aborts it: it is rolled back and run once more, unprepared.
    let runs = 0;
    const inTransaction = () =>
      db.transaction((tx) => {
        runs += 1;
        return tx.query('SELECT * FROM wards WHERE name = $1 LIMIT 1', ['Ward 3']);
      });
    // Ten at once: prepared on each of the pool's ten connections.
    await Promise.all(Array.from({ length: 10 }, inTransaction));
    await other.query('ALTER TABLE wards ADD COLUMN floor int');
    runs = 0;
    expect(await inTransaction()).toEqual([{ name: 'Ward 3', beds: null, floor: null }]);
    expect(runs).toBe(2);
  });
});
