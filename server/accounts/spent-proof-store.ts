/**
 * Device proofs already used, by digest (device-proof.ts), shared by every instance: spending
 * one is a single insert, so of two requests with the same proof, on any instances, exactly
 * one gets it. Records go once the proof would be stale anyway.
 */
import type { Queryable } from '../db/database';

/** Marks the proof spent until `until`; false if it already was. */
export async function spendProof(db: Queryable, digest: string, until: number): Promise<boolean> {
  const rows = await db.query(
    'INSERT INTO spent_device_proofs (digest, expires_at) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING RETURNING digest',
    [digest, until],
  );
  return rows.length === 1;
}

export async function deleteExpiredProofs(db: Queryable, now: number): Promise<void> {
  await db.query('DELETE FROM spent_device_proofs WHERE expires_at < $1', [now]);
}
