import { describe, expect, it } from 'vitest';
import {
  decideWindowOpen,
  isAllowedExternalUrl,
  mayAttachWebview,
  mayNavigate,
} from '../../../main/shell/navigation-policy';

const policy = { allowedHosts: ['intranet.hospital.example'] };

describe('navigation policy', () => {
  it.each([
    'app://wardline/other.html',
    'https://intranet.hospital.example/',
    'file:///etc/passwd',
    'javascript:alert(1)',
  ])('refuses in-window navigation to %s', (url) => {
    expect(mayNavigate(url)).toBe(false);
  });

  it('never opens a new window', () => {
    expect(decideWindowOpen('https://intranet.hospital.example/page', policy).action).toBe('deny');
    expect(decideWindowOpen('https://evil.example/', policy).action).toBe('deny');
  });

  it('hands only allow-listed https links to the system browser', () => {
    expect(decideWindowOpen('https://intranet.hospital.example/page', policy).openExternally).toBe(true);
    expect(decideWindowOpen('https://evil.example/', policy).openExternally).toBe(false);
  });

  it.each([
    ['http scheme', 'http://intranet.hospital.example/'],
    ['credentials', 'https://user:pw@intranet.hospital.example/'],
    ['another port', 'https://intranet.hospital.example:8443/'],
    ['a suffix host', 'https://intranet.hospital.example.evil.com/'],
    ['a sub-domain', 'https://a.intranet.hospital.example/'],
    ['file', 'file:///C:/Windows/System32/cmd.exe'],
    ['a custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['garbage', 'not a url'],
  ])('refuses external links with %s', (_label, url) => {
    expect(isAllowedExternalUrl(url, policy)).toBe(false);
  });

  it('accepts an allow-listed host case-insensitively', () => {
    expect(isAllowedExternalUrl('https://INTRANET.hospital.example/a', policy)).toBe(true);
  });

  it('refuses webviews', () => {
    expect(mayAttachWebview()).toBe(false);
  });
});
