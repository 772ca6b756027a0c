/**
 * DPAPI at machine scope (LocalMachine) on Windows, for the machine secret
 * (machine-scope-protector.ts): Electron's safeStorage offers only the user's scope, and no
 * native module is added for one call per start. Windows PowerShell's ProtectedData does it.
 *
 * Thin by design: the script and arguments are pure and unit-tested; the bytes go through stdin
 * and stdout as base64, never on the command line. PowerShell by its full System32 path; the
 * script has no double quote, so it survives the command line as one argument. A PC whose
 * PowerShell runs in Constrained Language Mode (AppLocker, WDAC) refuses the .NET call: the
 * secret then cannot be opened, and the device layer is reported unavailable (fail closed).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { MachineSealer } from './machine-scope-protector';

export type DpapiOperation = 'Protect' | 'Unprotect';

/** Optional entropy: a blob sealed by another program at machine scope does not open as ours. */
export const DPAPI_ENTROPY = 'wardline/machine-secret/v1';

export function dpapiScript(operation: DpapiOperation): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    'Add-Type -AssemblyName System.Security',
    '$data = [Convert]::FromBase64String([Console]::In.ReadToEnd().Trim())',
    `$entropy = [Text.Encoding]::UTF8.GetBytes('${DPAPI_ENTROPY}')`,
    `$out = [Security.Cryptography.ProtectedData]::${operation}($data, $entropy, [Security.Cryptography.DataProtectionScope]::LocalMachine)`,
    '[Console]::Out.Write([Convert]::ToBase64String($out))',
  ].join('; ');
}

export function powershellPath(env: Readonly<Record<string, string | undefined>>): string {
  const entry = Object.entries(env).find(([name]) => name.toLowerCase() === 'systemroot');
  const root = entry?.[1] !== undefined && /^[A-Za-z]:\\[^%]*$/.test(entry[1]) ? entry[1] : 'C:\\Windows';
  return path.win32.join(root, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}

export function powershellArguments(operation: DpapiOperation): string[] {
  return ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', dpapiScript(operation)];
}

/** Runs `file` with `args`, `input` on stdin; stdout, or null if it failed. */
export type RunWithInput = (file: string, args: readonly string[], input: string) => Promise<string | null>;

const runWithInput: RunWithInput = (file, args, input) =>
  new Promise((resolve) => {
    const child = execFile(file, [...args], { windowsHide: true, timeout: 30_000 }, (error, stdout) =>
      resolve(error === null ? stdout : null),
    );
    child.stdin?.end(input);
  });

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function createWindowsDpapiSealer(
  env: Readonly<Record<string, string | undefined>>,
  run: RunWithInput = runWithInput,
): MachineSealer {
  const call = async (operation: DpapiOperation, data: Uint8Array): Promise<Uint8Array | null> => {
    const stdout = await run(powershellPath(env), powershellArguments(operation), Buffer.from(data).toString('base64'));
    const text = stdout?.trim() ?? '';
    return BASE64.test(text) ? new Uint8Array(Buffer.from(text, 'base64')) : null;
  };
  return {
    async seal(data) {
      const sealed = await call('Protect', data);
      if (sealed === null) throw new Error('DPAPI_UNAVAILABLE');
      return sealed;
    },
    unseal: (data) => call('Unprotect', data),
  };
}
