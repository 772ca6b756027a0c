/**
 * The store worker: owns the vault's SQLite connection, so a long query never blocks main's
 * IPC or the window. One worker per open vault; it exits when the vault closes.
 */
import type { Database } from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlCipher } from './sqlcipher-connection';
import { storeErrorFrom } from './store-error';
import { storeOps } from './store-ops';
import type { FromWorker, StoreWorkerData, ToWorker } from './store-protocol';

const port = parentPort;
if (port === null) throw new Error('store-worker must run as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const data = workerData as StoreWorkerData;

let db: Database | null = null;
try {
  db = openSqlCipher(data.file, data.key, { create: data.create });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', code: storeErrorFrom(error).code });
} finally {
  data.key.fill(0);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    db?.close();
    db = null;
    post({ type: 'closed' });
    port.close();
    return;
  }
  const op = Object.hasOwn(storeOps, message.op) ? storeOps[message.op as keyof typeof storeOps] : undefined;
  if (db === null || op === undefined) {
    post({ type: 'result', id: message.id, ok: false, code: 'STORE_FAILED' });
    return;
  }
  try {
    const value = (op as (db: Database, args: unknown) => unknown)(db, message.args);
    post({ type: 'result', id: message.id, ok: true, value });
  } catch (error) {
    post({ type: 'result', id: message.id, ok: false, code: storeErrorFrom(error).code });
  }
});
