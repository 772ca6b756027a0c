/** The bearer token on a request (`Authorization: Bearer <token>`), for routes and the stream upgrade alike. */
import { authenticateToken, tokenDeviceRevoked, type AuthenticatedSession } from '../accounts/session-store';
import type { Clock } from '../clock';
import type { Queryable } from '../db/database';

const BEARER = /^Bearer ([A-Za-z0-9_-]{43})$/;

export function bearerToken(header: string | undefined): string | null {
  return header === undefined ? null : (BEARER.exec(header)?.[1] ?? null);
}

export interface Authenticator {
  (authorization: string | undefined): Promise<AuthenticatedSession | null>;
  /**
   * Why a token opened no session: `DEVICE_REVOKED` for a session IT ended by removing its
   * workstation (only the token's holder can ask), else `UNAUTHENTICATED`.
   */
  refusal(authorization: string | undefined): Promise<'UNAUTHENTICATED' | 'DEVICE_REVOKED'>;
}

export function createAuthenticator(db: Queryable, clock: Clock): Authenticator {
  const authenticate = async (authorization: string | undefined) => {
    const token = bearerToken(authorization);
    return token === null ? null : authenticateToken(db, token, clock());
  };
  const refusal = async (authorization: string | undefined) => {
    const token = bearerToken(authorization);
    return token !== null && (await tokenDeviceRevoked(db, token)) ? 'DEVICE_REVOKED' : 'UNAUTHENTICATED';
  };
  return Object.assign(authenticate, { refusal });
}
