/**
 * `Wardline.exe --check-policy <file>` as the bundled main runs it (out/main/main.cjs, with the
 * Electron stand-in): it answers on stdout and exits with the check's code, before any window,
 * single-instance lock or data folder, so IT can run it beside an open Wardline.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { repoRoot } from '../../support/browser-host-process';
import { createElectronStandIn, requireWithElectron } from '../../support/electron-stand-in';

const bundle = path.join(repoRoot, 'out/main/main.cjs');
const argv = process.argv;
afterAll(() => {
  process.argv = argv;
  vi.restoreAllMocks();
});

it('checks a policy file and exits with its code, opening nothing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardline-electron-policy-'));
  const file = path.join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify({ idleLockSeconds: 1, pinAllowd: true }));
  const electron = createElectronStandIn({ userData: dir });
  let output = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output += String(chunk);
    return true;
  });
  process.argv = [...argv, '--check-policy', file];
  requireWithElectron(bundle, electron);
  await vi.waitFor(() => expect(electron.app.exitCodes).toEqual([1]), { timeout: 15_000, interval: 50 });
  expect(output).toContain('  idleLockSeconds: Too small');
  expect(output).toContain('  pinAllowd: not a Wardline policy key');
  const apis = electron.calls.map((call) => call.api);
  expect(apis).not.toContain('app.requestSingleInstanceLock');
  expect(apis).not.toContain('app.getPath');
  expect(electron.windows).toHaveLength(0);
});
