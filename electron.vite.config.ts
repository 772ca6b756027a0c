import path from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer/vite.config';

/**
 * The packaged app's bundles: main (CommonJS, Node deps external), the sandboxed preload
 * (CommonJS, everything bundled: a sandboxed preload cannot require node_modules) and the renderer.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Workers are bundles of their own beside main.cjs (see shared/node/workers/spawn-worker.ts).
      lib: {
        entry: {
          main: path.resolve('main/electron/main.ts'),
          'store-worker': path.resolve('main/store/store-worker.ts'),
          'kdf-worker': path.resolve('main/keys/kdf-worker.ts'),
          'heic-worker': path.resolve('main/attachments/heic-worker.ts'),
          'cipher-worker': path.resolve('main/attachments/cipher-worker.ts'),
          // The same core for the browser host's `--bundled` mode (tests); never packaged.
          'browser-host/core': path.resolve('main/browser-host/host-core.ts'),
        },
        formats: ['cjs'],
        fileName: (_format, name) => `${name}.cjs`,
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      lib: {
        entry: path.resolve('preload/electron-preload.ts'),
        formats: ['cjs'],
        fileName: () => 'electron-preload.cjs',
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      outDir: path.resolve('out/renderer'),
      rolldownOptions: { input: path.resolve('renderer/index.html') },
    },
  },
});
