import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeOf, resolveAssetPath } from '../../../main/shell/app-assets';

const root = path.resolve('/opt/wardline/renderer');

describe('renderer asset paths', () => {
  it('serves index.html for the root', () => {
    expect(resolveAssetPath(root, '/')).toBe(path.join(root, 'index.html'));
  });

  it('serves files inside the renderer folder', () => {
    expect(resolveAssetPath(root, '/assets/index-abc.js')).toBe(path.join(root, 'assets/index-abc.js'));
  });

  it.each([
    '/../secret.html',
    '/assets/../../etc/passwd.html',
    '/%2e%2e/%2e%2e/etc/x.js',
    '/..%2f..%2fetc%2fhosts.css',
    '/assets/..\\..\\boot.ini',
    '/index.html%00.js',
    '/%E0%A4%A',
    '/renderer-evil/../../x.js',
  ])('refuses %s', (pathname) => {
    expect(resolveAssetPath(root, pathname)).toBeNull();
  });

  it('refuses file types the renderer does not ship', () => {
    expect(resolveAssetPath(root, '/vault.db')).toBeNull();
    expect(resolveAssetPath(root, '/keys')).toBeNull();
  });

  it('names content types', () => {
    expect(contentTypeOf('a.js')).toMatch(/^text\/javascript/);
    expect(contentTypeOf('a.css')).toMatch(/^text\/css/);
    expect(contentTypeOf('a.html')).toMatch(/^text\/html/);
    expect(contentTypeOf('LiberationSans-Regular-abc.ttf')).toBe('font/ttf');
  });
});
