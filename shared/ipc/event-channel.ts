/** The single Electron IPC channel that carries main-to-renderer events (`{ name, payload }`). */
export const EVENT_CHANNEL = 'wardline:event';
