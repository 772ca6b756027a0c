import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from '../../../main/shell/content-security-policy';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('content security policy', () => {
  const csp = directives(contentSecurityPolicy());

  it("defaults to 'self' and allows script only from 'self'", () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
  });

  it('never allows inline code, eval or wasm-eval', () => {
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|unsafe-hashes|\*/);
  });

  it('closes plugins, base URL, forms and frames', () => {
    for (const name of ['object-src', 'base-uri', 'form-action', 'frame-src', 'frame-ancestors']) {
      expect(csp.get(name), name).toEqual(["'none'"]);
    }
  });

  it("allows workers only from the app's own files (the PDF viewer's), never blob: or data:", () => {
    expect(csp.get('worker-src')).toEqual(["'self'"]);
  });

  it('loads images only from the app itself (no remote image can be fetched)', () => {
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  });

  it('adds connect sources only when asked', () => {
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    const withHost = directives(contentSecurityPolicy({ connectSources: ['ws://127.0.0.1:9'] }));
    expect(withHost.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:9']);
  });

  it('sends the policy with nosniff, no referrer and no caching', () => {
    const headers = securityHeaders();
    expect(headers['Content-Security-Policy']).toBe(contentSecurityPolicy());
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    expect(headers['Cache-Control']).toBe('no-store');
  });
});
