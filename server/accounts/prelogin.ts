/**
 * `prelogin`: the salt and cost for a user's password derivation. An id with no account gets a
 * salt derived from a server secret (HMAC), stable for that id and indistinguishable from a
 * random one, with the default cost: the answer looks the same whether or not the id exists.
 */
import { createHmac } from 'node:crypto';
import type { RouteResponse } from '../../shared/protocol/api';
import { SALT_BYTES } from '../../shared/protocol/binary';
import type { Queryable } from '../db/database';
import { findAccount } from './account-store';

export const PRELOGIN_SECRET_NAME = 'prelogin-salt';

export function decoySalt(secret: Buffer, userId: string): string {
  return createHmac('sha256', secret)
    .update(`wardline/prelogin-salt/v1\u0000${userId}`, 'utf8')
    .digest()
    .subarray(0, SALT_BYTES)
    .toString('base64');
}

export async function prelogin(
  db: Queryable,
  secret: Buffer,
  defaultKdf: { memoryMiB: number; passes: number },
  userId: string,
): Promise<RouteResponse<'prelogin'>> {
  const account = await findAccount(db, userId);
  if (account === null) return { salt: decoySalt(secret, userId), kdf: { ...defaultKdf } };
  return { salt: account.salt, kdf: { ...account.kdf } };
}
