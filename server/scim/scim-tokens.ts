/**
 * The directory's SCIM bearer tokens: IT issues one (shown once, stored as its SHA-256), lists
 * them, and revokes one, each recorded on the server's chain naming the IT admin, in the
 * transaction that takes effect. `authenticateScimToken` is what every `/scim/v2` request passes
 * before anything else about it is read.
 */
import { randomUUID } from 'node:crypto';
import { SCIM_TOKEN_LIST_MAX, type ScimTokenListing } from '../../shared/protocol/admin-scim-api';
import { scimTokenActor } from '../../shared/protocol/identifiers';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor } from '../admin/admin-events';
import type { Clock } from '../clock';
import { accessTokenDigest, newAccessToken } from '../crypto/access-tokens';
import type { Database, Queryable } from '../db/database';
import { bearerToken } from '../http/bearer-auth';
import { insertScimToken, listScimTokens, liveScimToken, revokeScimToken, scimTokenOf } from './scim-token-store';

export interface ScimTokenDeps {
  readonly db: Database;
  readonly clock: Clock;
}

/** A request's token, once checked: which token, and the actor its changes are recorded under. */
export interface ScimCaller {
  readonly tokenId: string;
  readonly actor: string;
}

const LAST_USED_RESOLUTION_MS = 60_000;

export async function issueScimToken(deps: ScimTokenDeps, label: string, actor: string) {
  const by = checkedActor(actor);
  const token = newAccessToken();
  const tokenId = randomUUID();
  const issuedAt = deps.clock();
  await deps.db.transaction(async (tx) => {
    await insertScimToken(tx, { tokenId, digest: accessTokenDigest(token), label, issuedBy: by, issuedAt });
    await recordAdminEvent(tx, {
      at: issuedAt,
      actor: by,
      action: 'scim-token.issued',
      targetUserId: null,
      subject: tokenId,
    });
  });
  return { tokenId, token, label, issuedAt };
}

/** When the token was revoked (now, or earlier if it already was); null for an unknown token. */
export async function revokeScimTokenBy(deps: ScimTokenDeps, tokenId: string, actor: string): Promise<number | null> {
  const by = checkedActor(actor);
  return deps.db.transaction(async (tx) => {
    const at = deps.clock();
    if (await revokeScimToken(tx, tokenId, by, at)) {
      await recordAdminEvent(tx, { at, actor: by, action: 'scim-token.revoked', targetUserId: null, subject: tokenId });
      return at;
    }
    return (await scimTokenOf(tx, tokenId))?.revokedAt ?? null;
  });
}

export function scimTokens(db: Queryable): Promise<ScimTokenListing[]> {
  return listScimTokens(db, SCIM_TOKEN_LIST_MAX);
}

/** The caller of a `/scim/v2` request, or null for a missing, malformed, unknown or revoked token. */
export async function authenticateScimToken(
  deps: ScimTokenDeps,
  authorization: string | undefined,
): Promise<ScimCaller | null> {
  const token = bearerToken(authorization);
  if (token === null) return null;
  const now = deps.clock();
  const live = await liveScimToken(deps.db, accessTokenDigest(token), now, now - LAST_USED_RESOLUTION_MS);
  return live === null ? null : { tokenId: live.tokenId, actor: scimTokenActor(live.tokenId) };
}
