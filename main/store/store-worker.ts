/**
 * The store worker: owns one encrypted database's SQLite connection (a vault, or the device
 * audit log), so a long query or an fsync never blocks main's IPC or the window. One worker per
 * open database; it exits when the database closes.
 */
import type { Database } from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlCipher } from './sqlcipher-connection';
import { storeErrorFrom, type StoreErrorCode } from './store-error';
import { DATABASE_KINDS, type OpTable } from './database-kinds';
import type { FromWorker, StoreWorkerData, ToWorker } from './store-protocol';
import { err, ok, type Result } from '../../shared/result';

const port = parentPort;
if (port === null) throw new Error('store-worker must run as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const answer = (id: number, result: Result<unknown, StoreErrorCode>) => post({ type: 'result', id, ...result });
const data = workerData as StoreWorkerData;

const kind = DATABASE_KINDS[data.kind];
const ops: OpTable = kind.ops;

let db: Database | null = null;
// No top-level await: the Electron bundle runs workers as CommonJS. The client sends nothing
// before 'ready'.
void kind
  .prepare()
  .then(() => {
    db = openSqlCipher(data.file, data.key, { create: data.create, migrations: kind.migrations });
    post({ type: 'ready' });
  })
  .catch((error: unknown) => post({ type: 'failed', code: storeErrorFrom(error).code }))
  .finally(() => data.key.fill(0));

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    db?.close();
    db = null;
    post({ type: 'closed' });
    port.close();
    return;
  }
  const op = Object.hasOwn(ops, message.op) ? ops[message.op] : undefined;
  if (db === null || op === undefined) {
    answer(message.id, err('STORE_FAILED'));
    return;
  }
  try {
    const value = op(db, message.args);
    answer(message.id, ok(value));
  } catch (error) {
    answer(message.id, err(storeErrorFrom(error).code));
  }
});
