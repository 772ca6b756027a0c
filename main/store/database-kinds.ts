/**
 * The encrypted databases main keeps, each run in its own store worker: a clinician's vault,
 * and the workstation's device audit log. A kind is its schema, its operation table, and what
 * the worker must load before the first operation (the audit log hashes with libsodium).
 */
import type { Database } from 'better-sqlite3';
import { DEVICE_LOG_MIGRATIONS } from '../audit/device-log-schema';
import { deviceLogOps } from '../audit/device-log-ops';
import { loadSodium } from '../../shared/node/crypto/sodium';
import { MIGRATIONS, type Migration } from './migrations';
import { storeOps } from './store-ops';

// Arguments are whatever each operation declares; the client's types come from the table itself.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpTable = Readonly<Record<string, (db: Database, args: any) => unknown>>;

interface DatabaseKindSpec {
  readonly migrations: readonly Migration[];
  readonly ops: OpTable;
  readonly prepare: () => Promise<unknown>;
}

export const DATABASE_KINDS = {
  vault: { migrations: MIGRATIONS, ops: storeOps, prepare: () => Promise.resolve() },
  'device-audit': { migrations: DEVICE_LOG_MIGRATIONS, ops: deviceLogOps, prepare: loadSodium },
} as const satisfies Record<string, DatabaseKindSpec>;

export type DatabaseKind = keyof typeof DATABASE_KINDS;
export type OpsOf<K extends DatabaseKind> = (typeof DATABASE_KINDS)[K]['ops'];
