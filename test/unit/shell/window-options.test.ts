import { describe, expect, it } from 'vitest';
import { createWindowOptions } from '../../../main/shell/window-options';

describe('BrowserWindow options', () => {
  const production = createWindowOptions({ preloadPath: '/app/preload.cjs', isDevelopment: false });
  const web = production.webPreferences ?? {};

  it('isolates and sandboxes the renderer with no Node', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and webviews off', () => {
    expect(web.webviewTag).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.spellcheck).toBe(false);
    expect(web).not.toHaveProperty('enableBlinkFeatures');
  });

  it('loads the given preload', () => {
    expect(web.preload).toBe('/app/preload.cjs');
  });

  it('enables devtools only in development', () => {
    expect(web.devTools).toBe(false);
    expect(createWindowOptions({ preloadPath: 'p', isDevelopment: true }).webPreferences?.devTools).toBe(true);
  });

  it('has a generic title and stays hidden until painted', () => {
    expect(production.title).toBe('Wardline');
    expect(production.show).toBe(false);
  });
});
