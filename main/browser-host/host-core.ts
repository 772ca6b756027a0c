/**
 * Everything the browser host's launcher takes from the main process, in one module, so the
 * launcher can load it from the TypeScript sources or, with `--bundled`, from the bundle
 * electron-vite builds beside Electron's main (`out/main/browser-host/core.cjs`, sharing main's
 * chunks and workers): the end-to-end tests then drive the core that ships, through another
 * transport. Never packaged (electron-builder.config.ts leaves out every `browser-host` path).
 */
export { createAppCore } from '../core/app-core';
export { appVersion } from '../core/app-version';
export { createMachineFileProtector } from '../keys/device-protector';
export { createLogger } from '../logging/logger';
export { decideLaunchSources } from '../policy/launch-sources';
export { loadEffectivePolicy } from '../policy/effective-policy';
export { readServerEndpoint } from '../server-link/server-config';
export { startBrowserHost } from './browser-host';
