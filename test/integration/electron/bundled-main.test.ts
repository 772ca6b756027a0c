/**
 * What ships, started as Electron starts it: the bundled main (`out/main/main.cjs`, as
 * `npm run build:electron` writes it; the tier's global setup builds it) loaded in Node with a stand-in for the `electron` module
 * (test/support/electron-stand-in.ts). It proves the start-up order, the hardened window, the
 * `app://` handler over the bundled renderer, the IPC wiring with its origin check, and a real
 * sign-in that runs the bundled KDF and store workers and the native SQLCipher binding against a
 * real server; then an OS screen lock locks, and closing the window closes the core and quits.
 * What only a real Electron run shows (painting, the OS keystore, notifications) is not here.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../../shared/ipc/contract';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME } from '../../../main/shell/app-protocol';
import { contentSecurityPolicy } from '../../../main/shell/content-security-policy';
import { DEFAULT_ACCOUNT_KDF } from '../../../server/server';
import { repoRoot } from '../../support/browser-host-process';
import { createElectronStandIn, requireWithElectron, type ElectronStandIn } from '../../support/electron-stand-in';
import {
  createUser,
  freshTotpCode,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';
import { eventually } from '../../support/workstation';

const bundle = path.join(repoRoot, 'out/main/main.cjs');
let target: TestServer;
let nurse: TestUser;
let electron: ElectronStandIn;
let userData: string;
const argv = process.argv;

/** The write-ahead logs under the app's data folder: one per database still open. */
function writeAheadLogs(): string[] {
  return readdirSync(userData, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('-wal'));
}

/** An IPC call as Electron delivers it: from the window's top frame at `url`. */
function invoke(channel: string, payload: unknown, url = APP_ENTRY_URL): Promise<unknown> {
  const handler = electron.ipcHandlers.get(channel);
  if (handler === undefined) throw new Error(`no handler for ${channel}`);
  const mainFrame = { url };
  return handler({ senderFrame: mainFrame, sender: { mainFrame } }, payload);
}

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  userData = mkdtempSync(path.join(os.tmpdir(), 'wardline-electron-'));
  electron = createElectronStandIn({ userData });
  // As `electron . --server … --ca …` passes them to an unpackaged build.
  process.argv = [...argv, '--server', target.server.url, '--ca', target.server.caCertPath];
  requireWithElectron(bundle, electron);
}, 120_000);

afterAll(async () => {
  process.argv = argv;
  await target.dispose();
});

describe('the bundled main, before ready', () => {
  it('enables the sandbox and registers app:// as privileged, as Electron requires, before ready', () => {
    expect(electron.calls.map((call) => call.api)).toEqual([
      'app.enableSandbox',
      'protocol.registerSchemesAsPrivileged',
      'app.requestSingleInstanceLock',
    ]);
    const [schemes] = electron.calls[1]?.args ?? [];
    expect(schemes).toEqual([expect.objectContaining({ scheme: APP_SCHEME })]);
    expect(electron.windows).toHaveLength(0);
  });
});

describe('after ready', () => {
  beforeAll(async () => {
    electron.ready();
    await eventually(
      () => Promise.resolve(electron.windows[0]?.loaded.length ?? 0),
      (loaded) => loaded > 0,
    );
  });

  it('breaks no rule of the start-up order', () => {
    expect(electron.violations).toEqual([]);
    expect(electron.calls.filter((call) => call.api === 'protocol.handle').every((call) => call.afterReady)).toBe(true);
  });

  it('opens one hardened window on the app entry, its content protected', () => {
    const [window] = electron.windows;
    expect(electron.windows).toHaveLength(1);
    expect(window?.loaded).toEqual([APP_ENTRY_URL]);
    expect(window?.contentProtection).toBe(true);
    const preferences = window?.options.webPreferences as Record<string, unknown>;
    expect(preferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(existsSync(String(preferences.preload))).toBe(true);
    expect(String(preferences.preload)).toBe(path.join(repoRoot, 'out/preload/electron-preload.cjs'));
  });

  it('serves the bundled renderer over app:// with its CSP, and nothing outside it', async () => {
    const handler = electron.protocolHandlers.get(APP_SCHEME);
    if (handler === undefined) throw new Error('no app:// handler');
    const page = await handler(new Request(APP_ENTRY_URL));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(await page.text()).toContain('<div id="root">');
    for (const escape of ['/..%2fmain%2fmain.cjs', '/%2e%2e/main/main.cjs', '/assets/..%2f..%2fpackage.json']) {
      const refused = await handler(new Request(`${APP_ORIGIN}${escape}`));
      expect(refused.status, escape).toBe(404);
    }
    expect((await handler(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  it('wires every IPC channel, and refuses a call from another origin', async () => {
    expect([...electron.ipcHandlers.keys()].sort()).toEqual(Object.keys(channels).sort());
    expect(await invoke('app.getInfo', {})).toMatchObject({ ok: true, value: { host: 'electron' } });
    expect(await invoke('app.getInfo', {}, 'https://attacker.example/')).toMatchObject({ ok: false });
  });

  it('signs in against a real server through the bundled KDF and store workers', async () => {
    expect(await invoke('session.signIn', { userId: nurse.userId, password: nurse.password })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    const signedIn = await invoke('session.verifyMfa', { code: freshTotpCode(target, nurse) });
    expect(signedIn).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    // The vault the bundled store worker created, through the native SQLCipher binding.
    expect(readdirSync(path.join(userData, 'vaults')).length).toBeGreaterThan(0);
    expect(await invoke('conversations.list', { offset: 0, limit: 10 })).toMatchObject({ ok: true });
  });

  it('locks when the OS locks the screen', async () => {
    electron.powerMonitor.emit('lock-screen');
    await eventually(
      () => invoke('session.getState', {}),
      (state) => (state as { value?: { state?: string } }).value?.state === 'locked',
    );
  });

  it('closes the core and quits when the last window closes', async () => {
    // Open SQLCipher databases keep a write-ahead log beside them; a clean close folds it in.
    expect(writeAheadLogs().length).toBeGreaterThan(0);
    electron.app.emit('window-all-closed');
    await eventually(
      () => Promise.resolve(electron.app.quitCalls),
      (quits) => quits === 1,
    );
    expect(writeAheadLogs()).toEqual([]);
  });
});
