import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The browser host's preload: one classic script (IIFE) the host injects before the renderer. */
export default defineConfig({
  build: {
    outDir: path.resolve(here, '../dist/browser-preload'),
    emptyOutDir: true,
    target: 'chrome120',
    lib: {
      entry: path.resolve(here, 'browser-preload.ts'),
      formats: ['iife'],
      name: 'wardlineBrowserPreload',
      fileName: () => 'browser-preload.js',
    },
  },
});
