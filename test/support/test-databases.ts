/**
 * Server databases for a test file that talks to the database interface itself: on PGlite from
 * the migrated template, on PostgreSQL as a new database in the file's cluster (or the one
 * given, to open it twice); each closed and its folder removed after the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Database } from '../../server/db/database';
import { openDatabase } from '../../server/db/open-database';
import { seedPgliteFromTemplate } from './pglite-template';
import type { PostgresCluster } from './postgres';
import { HOOK_TIMEOUT_MS, type Backend } from './server-fixtures';

export function useTestDatabases(
  postgres: () => PostgresCluster,
): (backend: Backend, databaseUrl?: string) => Promise<Database> {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }, HOOK_TIMEOUT_MS);
  return async (backend, databaseUrl) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-db-'));
    const url = backend === 'postgres' ? (databaseUrl ?? (await postgres().createDatabase())) : undefined;
    if (backend === 'pglite') await seedPgliteFromTemplate(dataDir);
    const db = await openDatabase({ dataDir, databaseUrl: url });
    cleanups.push(async () => {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    return db;
  };
}
