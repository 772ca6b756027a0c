/** Starts the real browser host as a child process, as `npm run start:browser` does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface HostProcess {
  readonly url: string;
  readonly origin: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything the host printed on stdout up to its ready line. */
  readonly output: string;
  /** Everything printed on stdout so far, once `pattern` is among it. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface HostOptions {
  readonly timeoutMs?: number;
  /** An existing workstation data folder (default: a new one). */
  readonly dataDir?: string;
  /** The core's log level (default `warn`). */
  readonly logLevel?: string;
  /** Each line the core logs (JSON, on stderr, unless `terminalLog`). */
  readonly onLogLine?: (line: string) => void;
  /** Log as a person's terminal gets it (warnings, one line each) instead of JSON at `logLevel`. */
  readonly terminalLog?: boolean;
}

export async function startHostProcess(
  extraArgs: readonly string[] = [],
  options: HostOptions = {},
): Promise<HostProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'wardline-host-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(repoRoot, 'launch/browser-host-cli.ts'),
      '--port',
      '0',
      '--data',
      dataDir,
      ...extraArgs,
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.terminalLog
        ? { ...process.env, WARDLINE_LOG: undefined, WARDLINE_LOG_LEVEL: undefined }
        : { ...process.env, WARDLINE_LOG: 'json', WARDLINE_LOG_LEVEL: options.logLevel ?? 'warn' },
    },
  );
  let stderr = '';
  let partial = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (options.onLogLine === undefined) return;
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLogLine(line);
  });
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`browser host did not start: ${stderr}`)),
      options.timeoutMs ?? 30_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^browser host ready: (\S+)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser host exited with ${String(code)}: ${stderr}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    child,
    output: stdout,
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stdout)) return false;
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve(stdout);
          return true;
        };
        const timer = setTimeout(() => {
          child.stdout.off('data', check);
          reject(new Error(`browser host never printed ${String(pattern)}: ${stdout}`));
        }, timeoutMs);
        if (!check()) child.stdout.on('data', check);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
