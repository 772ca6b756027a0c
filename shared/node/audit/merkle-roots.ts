/**
 * The verifier's tree roots on a worker thread (merkle-roots-worker.ts), started on first use
 * and kept for the process: referenced while a request waits, unreferenced when idle, so it
 * neither lets the process exit mid-verification nor holds a finished CLI open.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawn-worker';
import type { RootsRequest, RootsResponse } from './merkle-roots-worker';

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (roots: Uint8Array[]) => void; reject: (error: Error) => void }>();

function started(): Worker {
  if (worker !== null) return worker;
  const spawned = spawnWorker('merkle-roots-worker', import.meta.url);
  spawned.on('message', (response: RootsResponse) => {
    const call = waiting.get(response.id);
    waiting.delete(response.id);
    if (waiting.size === 0) spawned.unref();
    if (response.ok) call?.resolve(response.value);
    else call?.reject(new Error('tree roots failed'));
  });
  const fail = () => {
    worker = null;
    for (const call of waiting.values()) call.reject(new Error('tree roots worker stopped'));
    waiting.clear();
  };
  spawned.once('error', fail);
  spawned.once('exit', fail);
  // Last, after the listeners (adding one re-references the port): never keeps a CLI alive.
  spawned.unref();
  worker = spawned;
  return spawned;
}

export function treeRootsOnWorker(
  entryHashes: Uint8Array,
  count: number,
  sizes: readonly number[],
): Promise<Uint8Array[]> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    const running = started();
    running.ref();
    running.postMessage({ id, entryHashes, count, sizes } satisfies RootsRequest);
  });
}
