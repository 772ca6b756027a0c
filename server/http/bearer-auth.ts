/** The bearer token on a request (`Authorization: Bearer <token>`), for routes and the stream upgrade alike. */
import { authenticateToken, type AuthenticatedSession } from '../accounts/session-store';
import type { Clock } from '../clock';
import type { Queryable } from '../db/database';

const BEARER = /^Bearer ([A-Za-z0-9_-]{43})$/;

export function bearerToken(header: string | undefined): string | null {
  return header === undefined ? null : (BEARER.exec(header)?.[1] ?? null);
}

export type Authenticator = (authorization: string | undefined) => Promise<AuthenticatedSession | null>;

export function createAuthenticator(db: Queryable, clock: Clock): Authenticator {
  return async (authorization) => {
    const token = bearerToken(authorization);
    return token === null ? null : authenticateToken(db, token, clock());
  };
}
