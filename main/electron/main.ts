/**
 * Electron glue, and only glue: hardening switches, the `app://` protocol, the window, and the
 * IPC transport to the core. Every decision it applies lives in a plain module under `shell/`
 * and is unit-tested there; the core is the same one the browser host runs.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
  type WebContents,
} from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { channels, type EventPayload } from '../../shared/ipc/contract';
import { EVENT_CHANNEL } from '../../shared/ipc/event-channel';
import { createAppCore } from '../core/app-core';
import { appVersion } from '../core/app-version';
import { createLogger } from '../logging/logger';
import { contentTypeOf, resolveAssetPath } from '../shell/app-assets';
import { APP_ENTRY_URL, APP_HOST, APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES } from '../shell/app-protocol';
import { securityHeaders } from '../shell/content-security-policy';
import { decideWindowOpen, mayAttachWebview, mayNavigate, type ExternalLinkPolicy } from '../shell/navigation-policy';
import { isPermissionAllowed } from '../shell/permission-policy';
import { createWindowOptions } from '../shell/window-options';
import { createSafeStorageProtector } from './safe-storage-protector';
import { readServerEndpoint } from '../server-link/server-config';
import { loadEffectivePolicy } from '../policy/effective-policy';
import { policyCommandOf, runPolicyCommand } from '../policy/policy-command';
import { commandLineSources, decideLaunchSources } from '../policy/launch-sources';
import { badgePng, badgeText, markPng } from './taskbar-images';
import { openDeviceLayer, setUpDataFolder } from '../core/data-folder-setup';
import { runIcacls, windowsMigrationPermissions } from '../fs/folder-access';
import { createWindowsDpapiSealer } from '../keys/windows-dpapi';
import type { ServerEndpoint } from '../server-link/server-endpoint';

const isDevelopment = !app.isPackaged;
const logger = createLogger();
const externalLinks: ExternalLinkPolicy = { allowedHosts: [] };
const rendererDir = path.join(__dirname, '../renderer');

app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

// `--check-policy <file>` and `--print-effective-policy` answer IT and exit: no window, no
// single-instance lock (they run beside a Wardline that is open), no data touched.
const commandLine: readonly string[] = process.argv;
const policyCommand = policyCommandOf(commandLine);
if (policyCommand !== null) {
  void runPolicyCommand(policyCommand, {
    platform: process.platform,
    packaged: app.isPackaged,
    argv: commandLine,
    write: (text) => process.stdout.write(text),
  }).then((code) => app.exit(code));
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  void app.whenReady().then(start);
}

function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!mayNavigate(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!mayNavigate(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    if (!mayAttachWebview()) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (decideWindowOpen(url, externalLinks).openExternally) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

async function start(): Promise<void> {
  const appSession = session.defaultSession;
  appSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(isPermissionAllowed(permission, originOfContents(contents), APP_ORIGIN));
  });
  appSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, APP_ORIGIN),
  );

  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? resolveAssetPath(rendererDir, url.pathname) : null;
    if (file === null) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { ...securityHeaders(), 'Content-Type': contentTypeOf(file) } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });

  // The user's OS keystore; where there is none (or only Linux's basic_text obfuscation), there
  // is no device layer and policy decides (issue: policy). On Windows it only opens what older
  // versions sealed: the shared data folder gets a machine-scope layer (openDeviceLayer below).
  const keystore = await createSafeStorageProtector(safeStorage, process.platform);
  // Machine-wide policy (registry or /etc/wardline/policy.json) is the only source in a packaged
  // build; `--policy`, `--server` and `--ca` count only unpackaged (main/policy/launch-sources.ts).
  // A server policy names is the only one used. An invalid policy lets nobody sign in.
  const sources = decideLaunchSources({ packaged: app.isPackaged }, commandLineSources(commandLine));
  if (sources.ignored.length > 0)
    logger.warn({ flags: sources.ignored }, 'command-line policy and server are ignored in a packaged build');
  const effective = await loadEffectivePolicy({ platform: process.platform, overrideFile: sources.policyFile });
  const policy = effective.load;
  const server = effective.endpoint ?? (sources.server === null ? null : serverFromCommandLine(sources.server, logger));
  if (!policy.ok) logger.error({ code: policy.error.code, keys: policy.error.keys }, 'policy refused');
  // The workstation data folder, per machine (main/core/data-folder-setup.ts); without it,
  // nothing starts: the person at the PC sees the code to give IT.
  const locations = await setUpDataFolder({
    platform: process.platform,
    env: process.env,
    packaged: app.isPackaged,
    profileDir: app.getPath('userData'),
    policyDir: policy.ok ? policy.value.policy.machineDataDir : null,
    uid: process.getuid?.() ?? -1,
    runIcacls: runIcacls(process.env),
    ...(process.platform === 'win32' ? { migrationPermissions: windowsMigrationPermissions(process.env) } : {}),
    now: Date.now,
    logger,
  });
  if (!locations.ok) {
    logger.error({ code: locations.error }, 'workstation data folder unavailable');
    dialog.showErrorBox(
      'Wardline cannot start',
      `This computer's Wardline data folder cannot be used (${locations.error}). Please tell IT.`,
    );
    app.quit();
    return;
  }
  const device = await openDeviceLayer({
    platform: process.platform,
    dataDir: locations.value.dataDir,
    legacy: 'unavailable' in keystore ? null : keystore,
    sealer: createWindowsDpapiSealer(process.env),
    logger,
  });
  const core = createAppCore({
    device,
    allowUnprotectedDevice: false,
    dataDir: locations.value.dataDir,
    exportsDir: locations.value.exportsDir,
    downloadsDir: app.getPath('downloads'),
    host: 'electron',
    environment: isDevelopment ? 'development' : 'production',
    version: appVersion(),
    trustedOrigin: APP_ORIGIN,
    logger,
    server,
    policy,
    systemIdle: { idleMs: () => powerMonitor.getSystemIdleTime() * 1000 },
  });
  // The OS locking its screen, or the machine going to sleep, locks Wardline too.
  powerMonitor.on('lock-screen', () => void core.session.lock('os-lock'));
  powerMonitor.on('suspend', () => void core.session.lock('suspend'));

  const window = new BrowserWindow(
    createWindowOptions({ preloadPath: path.join(__dirname, '../preload/electron-preload.cjs'), isDevelopment }),
  );
  window.setContentProtection(true);
  // The title never follows the page: it must not carry a patient or sender name.
  window.on('page-title-updated', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());

  for (const channel of Object.keys(channels)) {
    ipcMain.handle(channel, (event, payload: unknown) =>
      core.router.dispatch(channel, payload, {
        url: event.senderFrame?.url ?? '',
        isTopFrame: event.senderFrame !== null && event.senderFrame === event.sender.mainFrame,
      }),
    );
  }
  core.onEvent((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, { name, payload });
    // Notices are decided PHI-free in main/notifications/; the badge is a number.
    if (name === 'notification.show' && Notification.isSupported()) {
      const notice = payload as EventPayload<'notification.show'>;
      new Notification({ title: notice.title, body: notice.body }).show();
    }
    if (name === 'badge.changed') showUnread(window, (payload as EventPayload<'badge.changed'>).unread);
  });
  // The tray's tooltip is fixed: it never names a person or says anything of a message.
  const tray = new Tray(nativeImage.createFromBuffer(markPng()));
  tray.setToolTip('Wardline');
  tray.on('click', () => {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    void core.close().then(() => {
      device?.close?.();
      app.quit();
    });
  });

  await window.loadURL(APP_ENTRY_URL);
}

function originOfContents(contents: WebContents | null): string {
  try {
    const url = new URL(contents?.getURL() ?? '');
    return `${url.protocol}//${url.host}`;
  } catch {
    return '';
  }
}

/** The unread count on the taskbar: a badge where the OS has one, an overlay image on Windows. */
function showUnread(window: BrowserWindow, unread: number): void {
  if (process.platform !== 'win32') {
    app.setBadgeCount(unread);
    return;
  }
  if (window.isDestroyed()) return;
  window.setOverlayIcon(
    unread > 0 ? nativeImage.createFromBuffer(badgePng(unread)) : null,
    unread > 0 ? `${badgeText(unread)} unread` : '',
  );
}

function serverFromCommandLine(given: { url: string; caFile: string }, log: typeof logger): ServerEndpoint | null {
  const endpoint = readServerEndpoint(given);
  if (endpoint.ok) return endpoint.value;
  log.error({ code: endpoint.error }, 'server configuration refused');
  return null;
}
