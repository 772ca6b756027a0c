/**
 * Picks the database: PostgreSQL when a `postgres://` URL is given, otherwise the embedded
 * PGlite in the data dir. Either way the schema is brought up to date before anything else runs.
 */
import path from 'node:path';
import type { Database } from './database';
import { migrate } from './migrate';
import { openPgliteDatabase } from './pglite-database';
import { openPostgresDatabase, type PostgresDatabaseOptions } from './postgres-database';

export const PGLITE_DIRECTORY = 'pglite';

export async function openDatabase(
  options: { dataDir: string; databaseUrl?: string | undefined } & PostgresDatabaseOptions,
): Promise<Database> {
  const url = options.databaseUrl;
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) throw new Error('databaseUrl must be a postgres:// URL');
  const db =
    url === undefined
      ? await openPgliteDatabase(path.join(options.dataDir, PGLITE_DIRECTORY))
      : await openPostgresDatabase(url, options);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
