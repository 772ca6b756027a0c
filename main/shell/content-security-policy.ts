/**
 * The renderer's Content Security Policy, one definition for the app and the browser host.
 * No inline script, no eval, no remote anything: message text is data, and a hostile message
 * that somehow reached the DOM as markup still could not run or load a thing.
 */
export interface CspOptions {
  /** Extra `connect-src` sources (the browser host's loopback WebSocket); none in the app. */
  readonly connectSources?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connectSources ?? [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    // The PDF viewer's pdf.js worker, bundled with the app (renderer/src/messaging/attachments/
    // pdf-document.ts): a hostile PDF is parsed off the page's thread. 'self' only: no blob: or
    // data: worker, so no script can make a worker of its own text.
    "worker-src 'self'",
    "manifest-src 'none'",
  ].join('; ');
}

/** Headers sent with every renderer asset. */
export function securityHeaders(options: CspOptions = {}): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
    'Cache-Control': 'no-store',
  };
}
