/**
 * Starts one of main's worker threads from wherever main is running: the TypeScript sources
 * (`node --import tsx`, vitest) or the Electron bundle, where each worker is a `<name>.cjs`
 * beside the bundled main. Workers do work that must not block main or must give its memory back
 * to the OS when done (Argon2id at high settings, the encrypted store).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export type WorkerName = 'kdf-worker' | 'store-worker';

/** Source paths, relative to this module. */
const SOURCES: Record<WorkerName, string> = {
  'kdf-worker': '../keys/kdf-worker.ts',
  'store-worker': '../store/store-worker.ts',
};

const here = fileURLToPath(import.meta.url);
const fromSource = here.endsWith('.ts');

/**
 * A worker started from a `.ts` file must load tsx itself: vitest transforms only its own
 * imports, and `--import tsx` registers its hooks on the main thread only. The worker gets
 * nothing else from the parent's execArgv: not its inspector flags (that port is taken) and not
 * a bare `--import tsx`, which would resolve against the working directory.
 */
const SOURCE_EXEC_ARGV = ['--import', pathToFileURL(path.join(path.dirname(here), 'register-tsx.mjs')).href];

let spawned = 0;
let live = 0;

export function spawnWorker(name: WorkerName, workerData?: unknown): Worker {
  const worker = fromSource
    ? new Worker(path.resolve(path.dirname(here), SOURCES[name]), { workerData, execArgv: SOURCE_EXEC_ARGV })
    : new Worker(path.join(path.dirname(here), `${name}.cjs`), { workerData });
  spawned += 1;
  live += 1;
  // Registered before any caller's listener, so the count is already down when theirs runs.
  worker.once('exit', () => {
    live -= 1;
  });
  return worker;
}

/** How many workers were started, and how many have not exited yet (tests and diagnostics). */
export function workerCounts(): { readonly spawned: number; readonly live: number } {
  return { spawned, live };
}
