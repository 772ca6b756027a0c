/**
 * Bearer tokens: 32 random bytes, base64url (the protocol's `accessToken`). The database holds
 * only their SHA-256, so a copy of the sessions table signs nobody in. A fast hash is enough:
 * the token is uniformly random, there is nothing to guess.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

export function accessTokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
