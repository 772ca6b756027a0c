/**
 * BrowserWindow options for the one app window. Kept as a plain function so the hardening is
 * unit-tested exactly as main applies it.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  readonly preloadPath: string;
  readonly isDevelopment: boolean;
}

export function createWindowOptions({
  preloadPath,
  isDevelopment,
}: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Wardline',
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    backgroundColor: '#f4f6f8',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      // Spellcheck dictionaries are downloaded from the network and see typed text: off.
      spellcheck: false,
      safeDialogs: true,
      devTools: isDevelopment,
    },
  };
}
