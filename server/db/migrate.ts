/**
 * Brings the schema up to date. All pending migrations run in one transaction under an advisory
 * lock, so two instances starting together on one PostgreSQL never both apply a migration, and a
 * failed migration leaves the database as it was. A schema already up to date needs no
 * privilege beyond reading schema_migrations, so a server running as a runtime role that owns
 * nothing (runtime-role.ts) starts; one behind is refused until its owner migrates it.
 */
import type { Database, Queryable } from './database';
import type { Migration } from './migration';
import { MIGRATIONS } from './migrations';

/** Arbitrary, fixed: the advisory lock id that serialises migrations. */
const MIGRATION_LOCK_ID = 0x57_41_52_44;

export class SchemaTooNewError extends Error {
  constructor() {
    super('The database was migrated by a newer server version.');
    this.name = 'SchemaTooNewError';
  }
}

/** Pending migrations, and the role connected may not apply them (it is not the schema's owner). */
export class MigrationNotPermittedError extends Error {
  readonly code = 'MIGRATION_NOT_PERMITTED';
  constructor() {
    super(
      'The database schema is behind and this role may not migrate it: run `--migrate-only` as the database owner.',
    );
    this.name = 'MigrationNotPermittedError';
  }
}

/** SQLSTATE 42501 (insufficient_privilege): PostgreSQL's "permission denied" and "must be owner" alike. */
const isPermissionDenied = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '42501';

/** The newest migration applied (0 for an empty database). */
export async function schemaVersion(db: Queryable): Promise<number> {
  const [row] = await db.query<{ version: number | string | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return Number(row?.version ?? 0);
}

export async function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: number = Date.now(),
): Promise<number[]> {
  return db
    .transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
      const [existing] = await tx.query<{ found: boolean }>(
        `SELECT to_regclass('schema_migrations') IS NOT NULL AS found`,
      );
      if (existing?.found !== true) {
        await tx.query(`CREATE TABLE schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at bigint NOT NULL
      )`);
      }
      const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      const newest = Math.max(0, ...migrations.map((migration) => migration.version));
      if ([...applied].some((version) => version > newest)) throw new SchemaTooNewError();
      const ran: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.statements) await tx.query(statement);
        await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          now,
        ]);
        ran.push(migration.version);
      }
      return ran;
    })
    .catch((error: unknown) => {
      throw isPermissionDenied(error) ? new MigrationNotPermittedError() : error;
    });
}
