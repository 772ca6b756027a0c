/**
 * Pending second factors: a login that passed the first factor, waiting for a TOTP code. The
 * device and, for a first enrollment, the new secret wait here until the code confirms them.
 */
import type { Queryable } from '../db/database';

export interface MfaChallenge {
  readonly challengeId: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly devicePublicKey: string;
  readonly deviceName: string;
  readonly enrollmentSecret: string | null;
  readonly expiresAt: number;
}

interface ChallengeRow {
  challenge_id: string;
  user_id: string;
  device_id: string;
  device_public_key: string;
  device_name: string;
  enrollment_secret: string | null;
  expires_at: number;
  [column: string]: unknown;
}

export async function insertChallenge(db: Queryable, challenge: MfaChallenge): Promise<void> {
  await db.query(
    `INSERT INTO mfa_challenges (challenge_id, user_id, device_id, device_public_key, device_name, enrollment_secret, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      challenge.challengeId,
      challenge.userId,
      challenge.deviceId,
      challenge.devicePublicKey,
      challenge.deviceName,
      challenge.enrollmentSecret,
      challenge.expiresAt,
    ],
  );
}

export async function findChallenge(db: Queryable, challengeId: string): Promise<MfaChallenge | null> {
  const rows = await db.query<ChallengeRow>('SELECT * FROM mfa_challenges WHERE challenge_id = $1', [challengeId]);
  const row = rows[0];
  if (!row) return null;
  return {
    challengeId: row.challenge_id,
    userId: row.user_id,
    deviceId: row.device_id,
    devicePublicKey: row.device_public_key,
    deviceName: row.device_name,
    enrollmentSecret: row.enrollment_secret,
    expiresAt: row.expires_at,
  };
}

/** Uses the challenge up; false if it was already used or has expired. */
export async function consumeChallenge(db: Queryable, challengeId: string, now: number): Promise<boolean> {
  const rows = await db.query(
    'DELETE FROM mfa_challenges WHERE challenge_id = $1 AND expires_at > $2 RETURNING challenge_id',
    [challengeId, now],
  );
  return rows.length === 1;
}

export async function deleteExpiredChallenges(db: Queryable, now: number): Promise<void> {
  await db.query('DELETE FROM mfa_challenges WHERE expires_at <= $1', [now]);
}

/** Every second factor the account has pending (a reset: a challenge begun with the old password or authenticator must not finish). */
export async function deleteChallengesOf(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM mfa_challenges WHERE user_id = $1', [userId]);
}
