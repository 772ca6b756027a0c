/**
 * Maps a request path to a file of the built renderer. Used by the Electron `app://` handler and
 * by the browser host alike. Anything that could leave the renderer folder is refused.
 */
import path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  // pdf.js's standard fonts, for PDFs that name one without embedding it (the PDF viewer's).
  '.ttf': 'font/ttf',
  '.pfb': 'application/x-font-type1',
};

/** Absolute path of the asset inside `root`, or null when the path is malformed or escapes it. */
export function resolveAssetPath(root: string, urlPathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const rootResolved = path.resolve(root);
  const resolved = path.resolve(rootResolved, relative);
  if (!resolved.startsWith(rootResolved + path.sep)) return null;
  if (!Object.hasOwn(CONTENT_TYPES, path.extname(resolved).toLowerCase())) return null;
  return resolved;
}

export function contentTypeOf(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}
