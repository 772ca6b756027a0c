/**
 * Starts a worker thread from wherever its caller is running: the TypeScript sources
 * (`node --import tsx`, vitest) or a bundle, where each worker is a `<name>.cjs` beside the
 * bundled entry point (electron-vite writes main's workers beside `main.cjs`). Every worker lives
 * beside the module that starts it, so the caller names the worker and passes its own
 * `import.meta.url`; this module knows no app or server paths. Workers do work that must not
 * block the event loop or must give its memory back to the OS when done (Argon2id at high
 * settings, the encrypted store, Merkle roots of a large export).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * A worker started from a `.ts` file must load tsx itself: vitest transforms only its own
 * imports, and `--import tsx` registers its hooks on the main thread only. The worker gets
 * nothing else from the parent's execArgv: not its inspector flags (that port is taken) and not
 * a bare `--import tsx`, which would resolve against the working directory.
 */
const SOURCE_EXEC_ARGV = [
  '--import',
  pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'register-tsx.mjs')).href,
];

interface Counts {
  spawned: number;
  live: number;
}
const counts = new Map<string, Counts>();
const total: Counts = { spawned: 0, live: 0 };

/**
 * `name` is the worker's file name without extension, beside the module at `callerUrl`.
 * `resourceLimits` bounds the worker's own JavaScript heap (not its ArrayBuffers or WebAssembly
 * memory): past it, the worker alone is ended.
 */
export function spawnWorker(
  name: string,
  callerUrl: string,
  workerData?: unknown,
  resourceLimits?: ResourceLimits,
): Worker {
  const caller = fileURLToPath(callerUrl);
  const dir = path.dirname(caller);
  const limits = resourceLimits === undefined ? {} : { resourceLimits };
  const worker = caller.endsWith('.ts')
    ? new Worker(path.join(dir, `${name}.ts`), { workerData, execArgv: SOURCE_EXEC_ARGV, ...limits })
    : new Worker(path.join(dir, `${name}.cjs`), { workerData, ...limits });
  const named = counts.get(name) ?? { spawned: 0, live: 0 };
  counts.set(name, named);
  for (const count of [total, named]) {
    count.spawned += 1;
    count.live += 1;
  }
  // Registered before any caller's listener, so the count is already down when theirs runs.
  worker.once('exit', () => {
    total.live -= 1;
    named.live -= 1;
  });
  return worker;
}

/**
 * How many workers were started, and how many have not exited yet: all of them, or those of one
 * name (tests and diagnostics).
 */
export function workerCounts(name?: string): { readonly spawned: number; readonly live: number } {
  const count = name === undefined ? total : (counts.get(name) ?? { spawned: 0, live: 0 });
  return { spawned: count.spawned, live: count.live };
}
