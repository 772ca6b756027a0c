/**
 * IT's SCIM bearer tokens (`/v1/admin/scim/…`): the hospital directory (Entra ID, Okta, or
 * Active Directory through a provisioning agent) creates, updates and deactivates people at
 * `/scim/v2` with one of these (server/scim/). A token can create and disable accounts, so
 * issuing and revoking one are `fresh` routes. The token is shown once, when issued; the server
 * keeps only its digest, with a label, who issued it, when, and when it was last used or revoked.
 */
import { z } from 'zod';
import { epochMs, userId, uuid } from './identifiers';
import type { RouteSpec } from './route-spec';

/** 32 random bytes, base64url: what the directory sends as `Authorization: Bearer …`. */
export const scimToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** What IT calls the token ("Entra ID production"): letters, digits, spaces and punctuation, nothing else. */
export const scimTokenLabel = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}\p{Zs}\p{P}]*$/u);

/** A token as IT sees it afterwards: never the token itself. */
export const scimTokenListing = z.strictObject({
  tokenId: uuid,
  label: scimTokenLabel,
  issuedBy: userId,
  issuedAt: epochMs,
  /** The last time the directory used it (to the minute), or null if never. */
  lastUsedAt: epochMs.nullable(),
  revokedAt: epochMs.nullable(),
  revokedBy: userId.nullable(),
});
export type ScimTokenListing = z.infer<typeof scimTokenListing>;

/** The listing's length: every live token, then the most recently revoked. */
export const SCIM_TOKEN_LIST_MAX = 200;

export const adminScimRoutes = {
  /** A new token for the directory, shown once. */
  adminIssueScimToken: {
    method: 'POST',
    path: '/v1/admin/scim/tokens/issue',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: z.strictObject({ label: scimTokenLabel }),
    response: z.strictObject({ tokenId: uuid, token: scimToken, label: scimTokenLabel, issuedAt: epochMs }),
  },
  /** The token stops working at once (a request already past its check finishes). NOT_FOUND for an unknown id. */
  adminRevokeScimToken: {
    method: 'POST',
    path: '/v1/admin/scim/tokens/revoke',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: z.strictObject({ tokenId: uuid }),
    response: z.strictObject({ revokedAt: epochMs }),
  },
  /** Every live token, then the most recently revoked, up to SCIM_TOKEN_LIST_MAX. */
  adminListScimTokens: {
    method: 'POST',
    path: '/v1/admin/scim/tokens',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({}),
    response: z.strictObject({ tokens: z.array(scimTokenListing).max(SCIM_TOKEN_LIST_MAX) }),
  },
} as const satisfies Record<string, RouteSpec>;
