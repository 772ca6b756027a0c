/**
 * The `scim_tokens` table: the directory's bearer tokens as digests, with their label, who
 * issued and revoked them, and when they were last used. Only this module touches it.
 */
import type { ScimTokenListing } from '../../shared/protocol/admin-scim-api';
import type { Queryable } from '../db/database';

interface TokenRow {
  token_id: string;
  label: string;
  issued_by: string;
  issued_at: number | string;
  last_used_at: number | string | null;
  revoked_at: number | string | null;
  revoked_by: string | null;
  [column: string]: unknown;
}

const orNull = (value: number | string | null) => (value === null ? null : Number(value));

const listingOf = (row: TokenRow): ScimTokenListing => ({
  tokenId: row.token_id,
  label: row.label,
  issuedBy: row.issued_by,
  issuedAt: Number(row.issued_at),
  lastUsedAt: orNull(row.last_used_at),
  revokedAt: orNull(row.revoked_at),
  revokedBy: row.revoked_by,
});

export async function insertScimToken(
  db: Queryable,
  token: { tokenId: string; digest: string; label: string; issuedBy: string; issuedAt: number },
): Promise<void> {
  await db.query(
    'INSERT INTO scim_tokens (token_id, token_digest, label, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5)',
    [token.tokenId, token.digest, token.label, token.issuedBy, token.issuedAt],
  );
}

/** Revokes a live token: false if it was not live. An already revoked one keeps its first revocation. */
export async function revokeScimToken(db: Queryable, tokenId: string, by: string, at: number): Promise<boolean> {
  const rows = await db.query(
    'UPDATE scim_tokens SET revoked_at = $2, revoked_by = $3 WHERE token_id = $1 AND revoked_at IS NULL RETURNING token_id',
    [tokenId, at, by],
  );
  return rows.length === 1;
}

export async function scimTokenOf(db: Queryable, tokenId: string): Promise<ScimTokenListing | null> {
  const [row] = await db.query<TokenRow>('SELECT * FROM scim_tokens WHERE token_id = $1', [tokenId]);
  return row === undefined ? null : listingOf(row);
}

/** Every live token, newest first, then the most recently revoked, `limit` in all. */
export async function listScimTokens(db: Queryable, limit: number): Promise<ScimTokenListing[]> {
  const rows = await db.query<TokenRow>(
    `SELECT * FROM scim_tokens ORDER BY revoked_at IS NOT NULL, coalesce(revoked_at, issued_at) DESC, token_id LIMIT $1`,
    [limit],
  );
  return rows.map(listingOf);
}

/**
 * The live token with this digest: its id, or null. Its last use is written at most once a
 * minute (`staleBefore`), so a burst of requests does not queue on the token's row.
 */
export async function liveScimToken(db: Queryable, digest: string, now: number, staleBefore: number) {
  const [row] = await db.query<{ token_id: string; last_used_at: number | string | null }>(
    'SELECT token_id, last_used_at FROM scim_tokens WHERE token_digest = $1 AND revoked_at IS NULL',
    [digest],
  );
  if (row === undefined) return null;
  const lastUsed = orNull(row.last_used_at);
  if (lastUsed === null || lastUsed < staleBefore)
    await db.query('UPDATE scim_tokens SET last_used_at = $2 WHERE token_id = $1', [row.token_id, now]);
  return { tokenId: row.token_id };
}
