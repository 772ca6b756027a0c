/**
 * The browser host's one-time token: random per run, never stored, compared in constant time,
 * and good for one load. Opening `/?token=…` the first time trades it for a different random
 * secret in an HttpOnly, SameSite=Strict cookie, so every later request (assets, the IPC
 * WebSocket) proves it came from the browser that was given the token. The token is spent by
 * that first load: the same address in a second tab, a shell history or a log opens nothing.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../../shared/result';

export const TOKEN_COOKIE = 'wardline_host';

export function generateHostToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensMatch(expected: string, presented: string | null | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token cookie's value from a `Cookie` header, if present. */
export function tokenFromCookieHeader(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return rest.join('=');
  }
  return null;
}

export function tokenCookie(secret: string): string {
  return `${TOKEN_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/`;
}

/** What presenting a token answered: the cookie secret, or why not. */
export type TokenExchange = Result<string, 'wrong' | 'spent'>;

export interface HostAccess {
  /** The token for the address the host prints. */
  readonly token: string;
  /** Trades the token for the cookie secret, once. */
  exchange(presented: string): TokenExchange;
  /** Whether a request's `Cookie` header carries the secret the token was traded for. */
  admits(cookieHeader: string | undefined): boolean;
}

export function createHostAccess(token: string = generateHostToken()): HostAccess {
  // Null until the token is spent; never the token itself, so the address cannot stand in for it.
  let cookieSecret: string | null = null;
  return {
    token,
    exchange(presented) {
      if (!tokensMatch(token, presented)) return err('wrong');
      if (cookieSecret !== null) return err('spent');
      cookieSecret = generateHostToken();
      return ok(cookieSecret);
    },
    admits(cookieHeader) {
      return cookieSecret !== null && tokensMatch(cookieSecret, tokenFromCookieHeader(cookieHeader));
    },
  };
}
