/**
 * Brings the schema up to date. All pending migrations run in one transaction under an advisory
 * lock, so two instances starting together on one PostgreSQL never both apply a migration, and a
 * failed migration leaves the database as it was.
 */
import type { Database } from './database';
import { MIGRATIONS, type Migration } from './schema';

/** Arbitrary, fixed: the advisory lock id that serialises migrations. */
const MIGRATION_LOCK_ID = 0x57_41_52_44;

export class SchemaTooNewError extends Error {
  constructor() {
    super('The database was migrated by a newer server version.');
    this.name = 'SchemaTooNewError';
  }
}

export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, now: number = Date.now()): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at bigint NOT NULL
    )`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...migrations.map((migration) => migration.version));
    if ([...applied].some((version) => version > newest)) throw new SchemaTooNewError();
    const ran: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, now]);
      ran.push(migration.version);
    }
    return ran;
  });
}
