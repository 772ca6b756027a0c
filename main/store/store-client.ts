/**
 * Main thread's handle on an open vault database. It only routes: every statement runs in the
 * store worker. Calls are typed from the operation table in store-ops.ts.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawn-worker';
import { StoreError, type StoreErrorCode } from './store-error';
import type { StoreOpArgs, StoreOpName, StoreOpResult } from './store-ops';
import type { FromWorker, StoreWorkerData, ToWorker } from './store-protocol';

export interface StoreClient {
  call<K extends StoreOpName>(op: K, args: StoreOpArgs<K>): Promise<StoreOpResult<K>>;
  /** Closes the database and ends the worker; resolves once the worker has exited. */
  close(): Promise<void>;
  readonly isOpen: boolean;
}

export function openStore(file: string, key: Uint8Array, options: { create: boolean }): Promise<StoreClient> {
  const data: StoreWorkerData = { file, key: Uint8Array.from(key), create: options.create };
  const worker: Worker = spawnWorker('store-worker', data);
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

  return new Promise<StoreClient>((resolveOpen, rejectOpen) => {
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
          else call?.reject(new StoreError(message.code));
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

    const client: StoreClient = {
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
