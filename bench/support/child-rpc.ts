/**
 * The benches put the server and each measured workstation in a process of its own, as they are
 * on separate machines in real use: on one event loop, the server's work, the sender's sealing and
 * the recipient's opening would queue behind each other and the numbers would measure that queue.
 *
 * This is the little RPC the coordinator (the `npm run bench` process) uses to drive those
 * children over Node's IPC channel: `call(method, params)` answers the child's handler result;
 * a child can also post events (`emit`). A child exits when told to `close` or when its parent
 * goes away, so a crashed bench leaves nothing running.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Milliseconds on CLOCK_MONOTONIC: one clock for every process on this machine, so stamps taken in different processes compare. */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;

type Request = { readonly kind: 'call'; readonly id: number; readonly method: string; readonly params: unknown };
type Reply = {
  readonly kind: 'reply';
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
};
type EventMessage = { readonly kind: 'event'; readonly name: string; readonly data: unknown };

export interface ChildHandle {
  readonly pid: number;
  call<T>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  onEvent(listener: (name: string, data: unknown) => void): void;
  /** Asks the child to close (its own cleanup), then kills it if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildOptions {
  /** Extra node flags, e.g. `--cpu-prof` for a profile of this child. */
  readonly execArgv?: readonly string[];
  readonly env?: Record<string, string>;
}

/** Forks `script` (a .ts file under bench/) with tsx and waits for its `ready` event. */
export async function startChild(script: string, options: ChildOptions = {}): Promise<ChildHandle> {
  const child: ChildProcess = fork(script, [], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${script}`);
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  const listeners: ((name: string, data: unknown) => void)[] = [];
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      for (const call of pending.values()) {
        clearTimeout(call.timer);
        call.reject(new Error(`${path.basename(script)} exited (${String(code ?? signal)})`));
      }
      pending.clear();
      resolve();
    });
  });
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  child.on('message', (message: Reply | EventMessage) => {
    if (message.kind === 'event') {
      if (message.name === 'ready') readyResolve();
      for (const listener of listeners) listener(message.name, message.data);
      return;
    }
    const call = pending.get(message.id);
    if (call === undefined) return;
    pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.ok) call.resolve(message.value);
    else call.reject(new Error(`${path.basename(script)}: ${message.error ?? 'failed'}`));
  });
  await Promise.race([
    ready,
    exit.then(() => {
      throw new Error(`${path.basename(script)} exited before it was ready`);
    }),
  ]);

  return {
    pid,
    call<T>(method: string, params?: unknown, timeoutMs = 120_000) {
      if (exited) return Promise.reject(new Error(`${path.basename(script)} has exited`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${path.basename(script)}: ${method} took longer than ${String(timeoutMs)} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
        const request: Request = { kind: 'call', id, method, params };
        child.send(request);
      });
    },
    onEvent(listener) {
      listeners.push(listener);
    },
    async stop(graceMs = 15_000) {
      if (exited) return;
      const id = nextId++;
      child.send({ kind: 'call', id, method: 'close', params: null } satisfies Request);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

export type Handlers = Record<string, (params: never) => unknown>;

/**
 * The child's side: answers calls with `handlers`, runs `cleanup` on `close` (or when the parent
 * disconnects) and exits. Posts `ready` once listening.
 */
export function serveChild(ownHandlers: Handlers, cleanup: () => Promise<void>): void {
  const handlers: Handlers = { ...ownHandlers, ...profilerHandlers() };
  let closing: Promise<void> | null = null;
  const shutDown = (code: number) => {
    closing ??= cleanup()
      .catch((error: unknown) => {
        process.stderr.write(`cleanup failed: ${String(error)}\n`);
      })
      .finally(() => process.exit(code));
    return closing;
  };
  process.on('message', (message: Request) => {
    if (message.method === 'close') {
      void shutDown(0);
      return;
    }
    const handler = handlers[message.method];
    const reply = (value: Omit<Reply, 'kind' | 'id'>) => {
      if (process.connected) process.send?.({ kind: 'reply', id: message.id, ...value } satisfies Reply);
    };
    if (handler === undefined) {
      reply({ ok: false, error: `no method ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.params as never))
      .then(
        (value) => reply({ ok: true, value }),
        (error: unknown) =>
          reply({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.on('disconnect', () => void shutDown(1));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutDown(1));
  emit('ready', null);
}

export function emit(name: string, data: unknown): void {
  if (process.connected) process.send?.({ kind: 'event', name, data } satisfies EventMessage);
}

/** `profileStart` / `profileStop({ file })`: a CPU profile of this process's main thread between the two calls. */
function profilerHandlers(): Handlers {
  let session: Session | null = null;
  return {
    async profileStart() {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
      return null;
    },
    async profileStop(params: { file: string }) {
      if (session === null) throw new Error('no profile running');
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = null;
      writeFileSync(params.file, JSON.stringify(profile));
      return params.file;
    },
  };
}
