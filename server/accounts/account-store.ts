/** Accounts in the database: who may sign in, with what role, and their credential hashes. */
import type { Role } from '../../shared/access/permission-matrix';
import type { Account } from '../../shared/protocol/api';
import type { Queryable } from '../db/database';

export interface AccountRecord {
  readonly userId: string;
  readonly displayName: string;
  readonly role: Role;
  readonly department: string;
  readonly title: string;
  readonly active: boolean;
  /** Base64, 16 bytes: the client's Argon2id salt. */
  readonly salt: string;
  readonly kdf: { readonly memoryMiB: number; readonly passes: number };
  /** `crypto_pwhash_str` of the client's auth key; null until the person sets a password with an enrollment code. */
  readonly authKeyHash: string | null;
  /** Base32; null until the user has confirmed an enrollment. */
  readonly totpSecret: string | null;
  readonly totpLastStep: number | null;
}

interface AccountRow {
  user_id: string;
  display_name: string;
  role: Role;
  department: string;
  title: string;
  active: boolean;
  salt: string;
  kdf_memory_mib: number;
  kdf_passes: number;
  auth_key_hash: string | null;
  totp_secret: string | null;
  totp_last_step: number | null;
  [column: string]: unknown;
}

const fromRow = (row: AccountRow): AccountRecord => ({
  userId: row.user_id,
  displayName: row.display_name,
  role: row.role,
  department: row.department,
  title: row.title,
  active: row.active,
  salt: row.salt,
  kdf: { memoryMiB: row.kdf_memory_mib, passes: row.kdf_passes },
  authKeyHash: row.auth_key_hash,
  totpSecret: row.totp_secret,
  totpLastStep: row.totp_last_step,
});

export function accountOf(record: AccountRecord): Account {
  return {
    userId: record.userId,
    displayName: record.displayName,
    role: record.role,
    department: record.department,
    title: record.title,
  };
}

export async function findAccount(db: Queryable, userId: string): Promise<AccountRecord | null> {
  const rows = await db.query<AccountRow>('SELECT * FROM accounts WHERE user_id = $1', [userId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** False if the id is taken. */
export async function insertAccount(
  db: Queryable,
  record: Omit<AccountRecord, 'totpLastStep' | 'active'>,
  now: number,
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO accounts (user_id, display_name, role, department, title, salt, kdf_memory_mib, kdf_passes, auth_key_hash, totp_secret, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (user_id) DO NOTHING RETURNING user_id`,
    [
      record.userId,
      record.displayName,
      record.role,
      record.department,
      record.title,
      record.salt,
      record.kdf.memoryMiB,
      record.kdf.passes,
      record.authKeyHash,
      record.totpSecret,
      now,
    ],
  );
  return rows.length === 1;
}

export async function setAccountActive(db: Queryable, userId: string, active: boolean): Promise<boolean> {
  const rows = await db.query('UPDATE accounts SET active = $2 WHERE user_id = $1 RETURNING user_id', [userId, active]);
  return rows.length === 1;
}

/**
 * Uses up TOTP step `step` of the account's confirmed secret, only if no code of that step or a
 * later one has been used: one statement, so two instances racing with the same code cannot
 * both succeed. Never touches the secret itself.
 */
export async function consumeTotpStep(db: Queryable, userId: string, step: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE accounts SET totp_last_step = $2
     WHERE user_id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING user_id`,
    [userId, step],
  );
  return rows.length === 1;
}

/**
 * Stores a newly enrolled secret (and uses up the step that confirmed it) only while the account
 * has none: one statement, so of two enrollments confirmed at once exactly one is stored, and a
 * confirmed secret is never replaced by a later enrollment.
 */
export async function confirmTotpEnrollment(
  db: Queryable,
  userId: string,
  secret: string,
  step: number,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE accounts SET totp_secret = $2, totp_last_step = $3
     WHERE user_id = $1 AND totp_secret IS NULL RETURNING user_id`,
    [userId, secret, step],
  );
  return rows.length === 1;
}

/** Each named account's role as stored (a text column: the caller checks it is a role it knows). */
export async function storedRoles(
  db: Queryable,
  userIds: readonly string[],
): Promise<{ userId: string; role: string }[]> {
  const rows = await db.query<{ user_id: string; role: string }>(
    'SELECT user_id, role FROM accounts WHERE user_id = ANY($1::text[])',
    [[...new Set(userIds)]],
  );
  return rows.map((row) => ({ userId: row.user_id, role: row.role }));
}

/** Whether any account exists at all (the demo seeds only an empty database). */
export async function anyAccountExists(db: Queryable): Promise<boolean> {
  return (await db.query('SELECT 1 FROM accounts LIMIT 1')).length > 0;
}

/** Whether the account exists (active or not). */
export async function accountExists(db: Queryable, userId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM accounts WHERE user_id = $1', [userId])).length > 0;
}

/**
 * The password the person chose with their enrollment code (its auth key's hash), only while the
 * account has none: what redeeming a code sets.
 */
export async function setFirstAuthKeyHash(db: Queryable, userId: string, authKeyHash: string): Promise<boolean> {
  const rows = await db.query(
    'UPDATE accounts SET auth_key_hash = $2 WHERE user_id = $1 AND auth_key_hash IS NULL RETURNING user_id',
    [userId, authKeyHash],
  );
  return rows.length === 1;
}

/**
 * A forgotten password: the old one stops working now, and the next is derived over a new salt
 * (so no key the old password wrapped can be opened by the new one). False for an unknown account.
 */
export async function clearPassword(db: Queryable, userId: string, salt: string): Promise<boolean> {
  const rows = await db.query(
    'UPDATE accounts SET auth_key_hash = NULL, salt = $2 WHERE user_id = $1 RETURNING user_id',
    [userId, salt],
  );
  return rows.length === 1;
}

/** A lost authenticator: the next sign-in enrolls a new one. False for an unknown account. */
export async function clearTotp(db: Queryable, userId: string): Promise<boolean> {
  const rows = await db.query(
    'UPDATE accounts SET totp_secret = NULL, totp_last_step = NULL WHERE user_id = $1 RETURNING user_id',
    [userId],
  );
  return rows.length === 1;
}

/**
 * Holds the account's credentials as they were checked, until the caller's transaction ends:
 * false if its password changed since (a reset committed meanwhile), so nothing begun with the
 * old password survives the reset. A reset waits for this lock, and this waits for a reset's.
 */
export async function credentialsStillValid(tx: Queryable, userId: string, authKeyHash: string): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM accounts WHERE user_id = $1 AND auth_key_hash = $2 AND active FOR SHARE', [
    userId,
    authKeyHash,
  ]);
  return rows.length === 1;
}
