/**
 * Outstanding enrollment codes (shared/protocol/enrollment.ts): at most one per account, stored
 * as a digest. Issuing replaces any earlier code; redeeming deletes it in the same statement that
 * checks it, so of two redemptions at once exactly one succeeds.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database';

/** Why a code was issued: the account is new, or its password was reset. */
export type EnrollmentPurpose = 'new-account' | 'password-reset';

/** A digest bound to the account: a code is good for the person it was issued to only. 100 bits need no slow hash. */
export function enrollmentCodeDigest(userId: string, code: string): string {
  return createHash('sha256').update(`wardline/enrollment-code/v1\u0000${userId}\u0000${code}`, 'utf8').digest('hex');
}

export async function storeEnrollmentCode(
  db: Queryable,
  input: {
    readonly userId: string;
    readonly code: string;
    readonly purpose: EnrollmentPurpose;
    readonly issuedBy: string;
    readonly issuedAt: number;
    readonly expiresAt: number;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO enrollment_codes (user_id, code_digest, purpose, issued_by, issued_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id) DO UPDATE SET code_digest = EXCLUDED.code_digest, purpose = EXCLUDED.purpose,
       issued_by = EXCLUDED.issued_by, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at`,
    [
      input.userId,
      enrollmentCodeDigest(input.userId, input.code),
      input.purpose,
      input.issuedBy,
      input.issuedAt,
      input.expiresAt,
    ],
  );
}

/** Spends the code if it is the account's outstanding one and unexpired; its purpose, or null. */
export async function redeemEnrollmentCode(
  db: Queryable,
  userId: string,
  code: string,
  now: number,
): Promise<EnrollmentPurpose | null> {
  const rows = await db.query<{ purpose: EnrollmentPurpose }>(
    `DELETE FROM enrollment_codes WHERE user_id = $1 AND code_digest = $2 AND expires_at > $3 RETURNING purpose`,
    [userId, enrollmentCodeDigest(userId, code), now],
  );
  return rows[0]?.purpose ?? null;
}

/** The account's outstanding code's expiry, or null if it has none (expired ones stay listed: IT sees they lapsed). */
export async function enrollmentExpiryOf(db: Queryable, userId: string): Promise<number | null> {
  const rows = await db.query<{ expires_at: number | string }>(
    'SELECT expires_at FROM enrollment_codes WHERE user_id = $1',
    [userId],
  );
  return rows[0] ? Number(rows[0].expires_at) : null;
}
