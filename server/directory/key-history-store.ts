/**
 * The `identity_key_history` rows (server migration 25): every distinct key pair each person has
 * published, with the server's time it was published, append-only. `storeIdentity` appends here
 * in its transaction; the eDiscovery export reads it (shared/protocol/signing-key-history.ts).
 */
import { MAX_SIGNING_KEYS, type PublishedSigningKey } from '../../shared/protocol/signing-key-history';
import type { IdentityPublicKeys } from '../../shared/protocol/identity';
import type { Queryable } from '../db/database';

/** What publishing did to the history: a new row, nothing (the same keys as the last), or refused. */
export type HistoryAppend = 'appended' | 'unchanged' | 'full';

/**
 * Appends the keys unless they are the person's latest already. Run inside the transaction that
 * wrote the person's `identities` row, after it: that upsert holds the row's lock until commit,
 * so a concurrent publish by the same person waits for it and, its next statement seeing this
 * one's row, neither repeats a key nor skips one. Times never go backwards within a person's
 * history (two instances' clocks may disagree): a key published after another starts no earlier.
 */
export async function appendKeyHistory(
  tx: Queryable,
  userId: string,
  keys: IdentityPublicKeys,
  fingerprint: string,
  now: number,
): Promise<HistoryAppend> {
  const [last] = await tx.query<{
    signing_key: string;
    encryption_key: string;
    published_at: number | string;
    n: number | string;
  }>(
    `SELECT signing_key, encryption_key, published_at, (SELECT count(*) FROM identity_key_history WHERE user_id = $1) AS n
     FROM identity_key_history WHERE user_id = $1 ORDER BY id DESC LIMIT 1`,
    [userId],
  );
  if (last !== undefined && last.signing_key === keys.signing && last.encryption_key === keys.encryption)
    return 'unchanged';
  if (last !== undefined && Number(last.n) >= MAX_SIGNING_KEYS) return 'full';
  await tx.query(
    `INSERT INTO identity_key_history (user_id, signing_key, encryption_key, fingerprint, published_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [userId, keys.signing, keys.encryption, fingerprint, Math.max(now, Number(last?.published_at ?? now))],
  );
  return 'appended';
}

/** Each of `userIds`' signing keys in publication order (an empty list for one who never published). */
export async function publishedSigningKeysOf(
  db: Queryable,
  userIds: readonly string[],
): Promise<Map<string, PublishedSigningKey[]>> {
  const rows = await db.query<{ user_id: string; signing_key: string; published_at: number | string }>(
    `SELECT user_id, signing_key, published_at FROM identity_key_history WHERE user_id = ANY($1::text[]) ORDER BY user_id, id`,
    [[...userIds]],
  );
  const found = new Map<string, PublishedSigningKey[]>(userIds.map((id) => [id, []]));
  for (const row of rows) found.get(row.user_id)?.push({ key: row.signing_key, publishedAt: Number(row.published_at) });
  return found;
}
