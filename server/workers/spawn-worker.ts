/**
 * Starts one of the server's worker threads from wherever the server is running: the TypeScript
 * sources (`node --import tsx`, vitest) or a bundle, where each worker is a `<name>.cjs` beside
 * the bundled server (the same layout main's bundle uses, so the app can embed the server).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export type ServerWorkerName = 'password-hash-worker' | 'merkle-roots-worker';

/** Source paths, relative to this module. */
const SOURCES: Record<ServerWorkerName, string> = {
  'password-hash-worker': '../crypto/password-hash-worker.ts',
  'merkle-roots-worker': '../audit/merkle-roots-worker.ts',
};

const here = fileURLToPath(import.meta.url);
const fromSource = here.endsWith('.ts');

/**
 * A worker started from a `.ts` file loads tsx itself: vitest transforms only its own imports
 * and `--import tsx` hooks the main thread only. The parent's execArgv (inspector flags, a bare
 * `--import tsx` resolved against the working directory) is deliberately not inherited.
 */
const SOURCE_EXEC_ARGV = ['--import', pathToFileURL(path.join(path.dirname(here), 'register-tsx.mjs')).href];

export function spawnServerWorker(name: ServerWorkerName): Worker {
  return fromSource
    ? new Worker(path.resolve(path.dirname(here), SOURCES[name]), { execArgv: SOURCE_EXEC_ARGV })
    : new Worker(path.join(path.dirname(here), `${name}.cjs`));
}
