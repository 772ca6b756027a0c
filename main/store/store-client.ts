/**
 * Main thread's handle on an open encrypted database. It only routes: every statement runs in
 * the store worker. Calls are typed from the kind's operation table (database-kinds.ts).
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../shared/node/workers/spawn-worker';
import { StoreError, type StoreErrorCode } from './store-error';
import type { DatabaseKind, OpsOf, OpTable } from './database-kinds';
import type { StoreOps } from './store-ops';
import type { FromWorker, StoreWorkerData, ToWorker } from './store-protocol';

export interface StoreClient<Ops extends OpTable = StoreOps> {
  call<K extends keyof Ops & string>(op: K, args: Parameters<Ops[K]>[1]): Promise<ReturnType<Ops[K]>>;
  /** Closes the database and ends the worker; resolves once the worker has exited. */
  close(): Promise<void>;
  readonly isOpen: boolean;
}

/** Opens a clinician's vault database. */
export function openStore(file: string, key: Uint8Array, options: { create: boolean }): Promise<StoreClient> {
  return openEncryptedDatabase('vault', file, key, options);
}

export function openEncryptedDatabase<K extends DatabaseKind>(
  kind: K,
  file: string,
  key: Uint8Array,
  options: { create: boolean },
): Promise<StoreClient<OpsOf<K>>> {
  const data: StoreWorkerData = { kind, file, key: Uint8Array.from(key), create: options.create };
  const worker: Worker = spawnWorker('store-worker', import.meta.url, data);
  // Our copy was cloned into the worker; wipe it here too.
  data.key.fill(0);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: StoreError) => void }>();
  let nextId = 1;
  let open = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const failAll = (code: StoreErrorCode) => {
    for (const call of pending.values()) call.reject(new StoreError(code));
    pending.clear();
  };

  return new Promise<StoreClient<OpsOf<K>>>((resolveOpen, rejectOpen) => {
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          open = true;
          resolveOpen(client);
          break;
        case 'failed':
          rejectOpen(new StoreError(message.code));
          void worker.terminate();
          break;
        case 'result': {
          const call = pending.get(message.id);
          pending.delete(message.id);
          if (message.ok) call?.resolve(message.value);
          else call?.reject(new StoreError(message.error));
          break;
        }
        case 'closed':
          break;
      }
    });
    worker.once('error', () => {
      open = false;
      failAll('STORE_FAILED');
      rejectOpen(new StoreError('STORE_FAILED'));
    });
    worker.once('exit', () => {
      open = false;
      failAll('STORE_CLOSED');
      rejectOpen(new StoreError('STORE_FAILED'));
    });

    const client: StoreClient<OpsOf<K>> = {
      get isOpen() {
        return open;
      },
      call(op, args) {
        if (!open) return Promise.reject(new StoreError('STORE_CLOSED'));
        const id = nextId++;
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
          worker.postMessage({ type: 'call', id, op, args } satisfies ToWorker);
        });
      },
      async close() {
        if (open) {
          open = false;
          worker.postMessage({ type: 'close' } satisfies ToWorker);
        }
        await exited;
      },
    };
  });
}
