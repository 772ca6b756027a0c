/**
 * Forward-only, versioned migrations, each in its own transaction, tracked in
 * `PRAGMA user_version`. A vault written by a newer Wardline is refused, never "repaired".
 */
import type { Database } from 'better-sqlite3';
import { SCHEMA_V1 } from './schema-v1';
import { SCHEMA_V2 } from './schema-v2';
import { SCHEMA_V3 } from './schema-v3';
import { SCHEMA_V4 } from './schema-v4';
import { SCHEMA_V5 } from './schema-v5';
import { SCHEMA_V6 } from './schema-v6';
import { SCHEMA_V7 } from './schema-v7';
import { SCHEMA_V8 } from './schema-v8';
import { SCHEMA_V9 } from './schema-v9';
import { SCHEMA_V10 } from './schema-v10';
import { StoreError } from './store-error';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: SCHEMA_V1 },
  { version: 2, name: 'messaging', sql: SCHEMA_V2 },
  { version: 3, name: 'held outgoing messages', sql: SCHEMA_V3 },
  { version: 4, name: 'patient context', sql: SCHEMA_V4 },
  { version: 5, name: 'unread priority index', sql: SCHEMA_V5 },
  { version: 6, name: 'acknowledgements', sql: SCHEMA_V6 },
  { version: 7, name: 'conversation search', sql: SCHEMA_V7 },
  { version: 8, name: 'attachments', sql: SCHEMA_V8 },
  { version: 9, name: 'attachment files', sql: SCHEMA_V9 },
  { version: 10, name: 'message retention', sql: SCHEMA_V10 },
];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new StoreError('VAULT_TOO_NEW');
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${String(migration.version)}`);
    })();
  }
  return Math.max(current, latest);
}
