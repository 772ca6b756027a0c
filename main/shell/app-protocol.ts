/**
 * The renderer is served from a custom privileged scheme, not `file://`, so it has a real origin
 * that IPC sender checks and CSP `'self'` can name, and no access to the rest of the disk.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'wardline';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Privileges for `protocol.registerSchemesAsPrivileged`: a standard, secure origin; nothing more. */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false,
} as const;
