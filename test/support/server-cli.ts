/**
 * `npm run server -- …` as an operator runs it, for tests that need a server in a process of its
 * own (to kill it outright, or to see its usage errors): the `server` script from package.json,
 * run without npm in between so a signal reaches the server itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './browser-host-process';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
  /** SIGKILL: no cleanup, no lease released, connections dropped by the kernel. */
  kill(): Promise<void>;
}

const READY = /^server ready: (https:\/\/\S+) ca=\S+$/;
const START_TIMEOUT_MS = 60_000;

function serverCommand(): string[] {
  const scripts = (
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const command = scripts.server?.split(' ') ?? [];
  if (command[0] !== 'node') throw new Error(`unexpected server script: ${String(scripts.server)}`);
  return command.slice(1);
}

function spawnServer(args: readonly string[], env: Readonly<Record<string, string>>): ChildProcess {
  return spawn(process.execPath, [...serverCommand(), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '', ...env },
  });
}

/** Starts the server and resolves once it printed its ready line. */
export function startServerProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const child = spawnServer(args, env);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A crashed test run must not leave a server behind.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${stderr}`)), START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = stdout.includes('\n') ? READY.exec(stdout.split('\n')[0] ?? '') : null;
      if (match === null) return;
      clearTimeout(timer);
      resolve({
        child,
        url: match[1] ?? '',
        stderr: () => stderr,
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
          process.removeListener('exit', onExit);
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${String(code)}; stderr: ${stderr}`));
    });
  });
}

/** Runs the server expecting it to refuse its arguments: its exit code and stderr. */
export function serverUsageError(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawnServer(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not refuse its arguments; stdout: ${stdout}`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}
