/**
 * Identity keys as users publish them: public keys and fingerprint for the directory, and the
 * private keys wrapped by the user's wrap key (opaque here) so they can sign in anywhere.
 */
import type { IdentityPublicKeys, IdentityRecord } from '../../shared/protocol/identity';
import type { Queryable } from '../db/database';
import { appendKeyHistory, type HistoryAppend } from './key-history-store';

type IdentityRow = {
  user_id: string;
  signing_key: string;
  encryption_key: string;
  wrapped_private_keys: string;
  fingerprint: string;
};

const recordOf = (row: IdentityRow): IdentityRecord => ({
  publicKeys: { signing: row.signing_key, encryption: row.encryption_key },
  wrappedPrivateKeys: row.wrapped_private_keys,
  fingerprint: row.fingerprint,
});

export async function findIdentity(db: Queryable, userId: string): Promise<IdentityRecord | null> {
  const rows = await db.query<IdentityRow>('SELECT * FROM identities WHERE user_id = $1', [userId]);
  return rows[0] ? recordOf(rows[0]) : null;
}

/** Public keys of those of `userIds` who have published any. */
export async function publicKeysOf(
  db: Queryable,
  userIds: readonly string[],
): Promise<Map<string, IdentityPublicKeys>> {
  const rows = await db.query<IdentityRow>('SELECT * FROM identities WHERE user_id = ANY($1::text[])', [[...userIds]]);
  return new Map(rows.map((row) => [row.user_id, recordOf(row).publicKeys]));
}

/**
 * Publishes the person's keys: `identities` holds them from now on, and the key history
 * (key-history-store.ts) gains them unless they are the latest there already. Run in a
 * transaction (the upsert's row lock orders two publishes by one person); on 'full' the caller
 * rolls it back.
 */
export async function storeIdentity(
  tx: Queryable,
  userId: string,
  record: IdentityRecord,
  now: number,
): Promise<HistoryAppend> {
  await tx.query(
    `INSERT INTO identities (user_id, signing_key, encryption_key, wrapped_private_keys, fingerprint, published_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id) DO UPDATE SET signing_key = EXCLUDED.signing_key, encryption_key = EXCLUDED.encryption_key,
       wrapped_private_keys = EXCLUDED.wrapped_private_keys, fingerprint = EXCLUDED.fingerprint, published_at = EXCLUDED.published_at`,
    [
      userId,
      record.publicKeys.signing,
      record.publicKeys.encryption,
      record.wrappedPrivateKeys,
      record.fingerprint,
      now,
    ],
  );
  return appendKeyHistory(tx, userId, record.publicKeys, record.fingerprint, now);
}

/** An active account's published keys and its role. */
export interface ActiveIdentity {
  readonly publicKeys: IdentityPublicKeys;
  readonly role: string;
}

/**
 * Published keys and roles of those of `userIds` whose accounts are active: what `send` checks
 * recipients, their permission and the signature against, in one query.
 */
export async function activeIdentitiesOf(
  db: Queryable,
  userIds: readonly string[],
): Promise<Map<string, ActiveIdentity>> {
  const rows = await db.query<IdentityRow & { role: string }>(
    `SELECT i.*, a.role FROM identities i JOIN accounts a ON a.user_id = i.user_id WHERE a.active AND i.user_id = ANY($1::text[])`,
    [[...new Set(userIds)]],
  );
  return new Map(rows.map((row) => [row.user_id, { publicKeys: recordOf(row).publicKeys, role: row.role }]));
}

/**
 * A password reset: the private keys the old password wrapped can never be opened again, so the
 * published keys go too; the person's next sign-in publishes new ones, and their contacts see a
 * key change. False if none were published. Their key history stays: what they signed before
 * still verifies against the key they had then.
 */
export async function removeIdentity(db: Queryable, userId: string): Promise<boolean> {
  return (await db.query('DELETE FROM identities WHERE user_id = $1 RETURNING user_id', [userId])).length === 1;
}
