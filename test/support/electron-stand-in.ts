/**
 * A stand-in for the `electron` module, for loading the bundled main (`out/main/main.cjs`) in
 * Node: the Electron runtime cannot be downloaded on these machines, so this implements only the
 * API surface main uses, records each call, and checks the rules of Electron's documented
 * contract that the start-up order depends on (schemes registered as privileged before `ready`,
 * `protocol.handle` and windows only after it). It is not a renderer: nothing here paints.
 *
 * The OS keystore behind `safeStorage` is an AES-GCM key held in memory, so vault keys are really
 * wrapped and unwrapped; `powerMonitor`, `app` and windows are event emitters the test drives.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import Module from 'node:module';
import path from 'node:path';

export interface RecordedCall {
  readonly api: string;
  readonly args: readonly unknown[];
  readonly afterReady: boolean;
}

type IpcHandler = (event: unknown, payload: unknown) => Promise<unknown>;
type ProtocolHandler = (request: Request) => Promise<Response>;

export interface StandInWindow extends EventEmitter {
  readonly options: Record<string, unknown>;
  readonly sent: { channel: string; payload: unknown }[];
  readonly loaded: string[];
  contentProtection: boolean;
}

export interface ElectronStandIn {
  readonly module: Record<string, unknown>;
  readonly calls: RecordedCall[];
  /** Contract breaks seen (calls Electron would refuse or ignore at that point). */
  readonly violations: string[];
  readonly ipcHandlers: Map<string, IpcHandler>;
  readonly protocolHandlers: Map<string, ProtocolHandler>;
  readonly windows: StandInWindow[];
  readonly app: EventEmitter & { quitCalls: number; exitCodes: number[] };
  readonly powerMonitor: EventEmitter;
  /** Fires `ready`, as Electron does once it has initialised. */
  ready(): void;
}

export function createElectronStandIn(options: { readonly userData: string }): ElectronStandIn {
  const calls: RecordedCall[] = [];
  const violations: string[] = [];
  const ipcHandlers = new Map<string, IpcHandler>();
  const protocolHandlers = new Map<string, ProtocolHandler>();
  const windows: StandInWindow[] = [];
  let isReady = false;
  let resolveReady: () => void = () => undefined;
  const whenReady = new Promise<void>((resolve) => (resolveReady = resolve));
  const record = (api: string, ...args: unknown[]) => calls.push({ api, args, afterReady: isReady });
  const requireReady = (api: string) => {
    if (!isReady) violations.push(`${api} before ready`);
  };

  const app = Object.assign(new EventEmitter(), {
    quitCalls: 0,
    isPackaged: false,
    enableSandbox: () => {
      record('app.enableSandbox');
      if (isReady) violations.push('app.enableSandbox after ready');
    },
    requestSingleInstanceLock: () => (record('app.requestSingleInstanceLock'), true),
    whenReady: () => whenReady,
    getPath: (name: string) => {
      record('app.getPath', name);
      if (name !== 'userData' && name !== 'downloads') violations.push(`app.getPath(${name}) is not stood in for`);
      // Saved attachments go to the user's Downloads: a folder of its own inside the stand-in's profile.
      return name === 'downloads' ? path.join(options.userData, 'Downloads') : options.userData;
    },
    setBadgeCount: (count: number) => (record('app.setBadgeCount', count), true),
    quit: () => {
      record('app.quit');
      app.quitCalls += 1;
    },
    exitCodes: [] as number[],
    exit: (code = 0) => {
      record('app.exit', code);
      app.exitCodes.push(code);
    },
  });

  const protocol = {
    registerSchemesAsPrivileged: (schemes: unknown) => {
      record('protocol.registerSchemesAsPrivileged', schemes);
      // Electron: "can only be used before the ready event of the app module gets emitted".
      if (isReady) violations.push('protocol.registerSchemesAsPrivileged after ready');
    },
    handle: (scheme: string, handler: ProtocolHandler) => {
      record('protocol.handle', scheme);
      requireReady('protocol.handle');
      protocolHandlers.set(scheme, handler);
    },
  };

  const defaultSession = {
    setPermissionRequestHandler: (handler: unknown) => record('session.setPermissionRequestHandler', handler),
    setPermissionCheckHandler: (handler: unknown) => record('session.setPermissionCheckHandler', handler),
  };

  const key = randomBytes(32);
  const safeStorage = {
    isAsyncEncryptionAvailable: () => Promise.resolve(isReady),
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptStringAsync: (text: string) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Promise.resolve(Buffer.concat([iv, cipher.getAuthTag(), body]));
    },
    decryptStringAsync: (data: Buffer) => {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      const result = Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
      return Promise.resolve({ result, shouldReEncrypt: false });
    },
  };

  class BrowserWindow extends EventEmitter implements StandInWindow {
    readonly sent: { channel: string; payload: unknown }[] = [];
    readonly loaded: string[] = [];
    contentProtection = false;
    readonly webContents = { send: (channel: string, payload: unknown) => this.sent.push({ channel, payload }) };
    constructor(readonly options: Record<string, unknown>) {
      super();
      record('new BrowserWindow', options);
      requireReady('new BrowserWindow');
      windows.push(this);
    }
    setContentProtection(on: boolean) {
      this.contentProtection = on;
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    restore = () => undefined;
    show = () => undefined;
    focus = () => undefined;
    setOverlayIcon = () => undefined;
  }

  const ipcMain = {
    handle: (channel: string, handler: IpcHandler) => {
      if (ipcHandlers.has(channel)) violations.push(`ipcMain.handle twice for ${channel}`);
      ipcHandlers.set(channel, handler);
    },
  };

  const powerMonitor = Object.assign(new EventEmitter(), { getSystemIdleTime: () => 0 });
  const nativeImage = { createFromBuffer: (buffer: Buffer) => ({ buffer }) };
  class Notification {
    static isSupported = () => true;
    constructor(readonly options: unknown) {
      record('new Notification', options);
    }
    show() {
      return undefined;
    }
  }
  class Tray extends EventEmitter {
    constructor(readonly image: unknown) {
      super();
      record('new Tray');
      requireReady('new Tray');
    }
    setToolTip(text: string) {
      record('tray.setToolTip', text);
    }
  }
  const shell = { openExternal: (url: string) => (record('shell.openExternal', url), Promise.resolve()) };

  return {
    module: {
      app,
      protocol,
      session: { defaultSession },
      safeStorage,
      BrowserWindow,
      ipcMain,
      powerMonitor,
      nativeImage,
      Notification,
      Tray,
      shell,
    },
    calls,
    violations,
    ipcHandlers,
    protocolHandlers,
    windows,
    app,
    powerMonitor,
    ready() {
      isReady = true;
      record('ready');
      app.emit('ready');
      resolveReady();
    },
  };
}

/** Requires `file` (a CommonJS bundle) with `require('electron')` answered by the stand-in. */
export function requireWithElectron(file: string, standIn: ElectronStandIn): unknown {
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = loader._load;
  loader._load = (request, parent, isMain) =>
    request === 'electron' ? standIn.module : original.call(Module, request, parent, isMain);
  // Test files share a process (vitest.config.ts): load the bundle afresh, as Electron would.
  const load = Module.createRequire(file);
  Reflect.deleteProperty(load.cache, load.resolve(file));
  try {
    return load(file);
  } finally {
    loader._load = original;
  }
}
