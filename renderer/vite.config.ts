import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { contentSecurityPolicy } from '../main/shell/content-security-policy.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Writes the CSP into index.html as well as sending it as a header: the policy then travels with
 * the page whatever serves it. `frame-ancestors` is header-only, so it is left out of the meta.
 */
function cspMeta(): Plugin {
  const policy = contentSecurityPolicy()
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
  return {
    name: 'wardline-csp-meta',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' },
    ],
  };
}

/** Renderer build, shared by `npm run build:web` (browser host) and electron-vite (the app). */
export const rendererConfig: UserConfig = {
  root: here,
  base: './',
  plugins: [cspMeta()],
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    // No inline <script> or data: scripts: the CSP allows script only from 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    minify: true,
    // One bundle read from the app's own files (never a network), so size matters less than
    // a single script the CSP can pin to 'self'.
    chunkSizeWarningLimit: 1024,
  },
};

export default defineConfig(rendererConfig);
