/**
 * On-call shifts of role addresses (migration 16): SQL only, no rules beyond what the table
 * enforces (both people members of the address, end after start, at most a week, two different
 * people). Who may change them and what is recorded is role-shift-admin.ts's.
 *
 * "On call now" is every shift whose half-open span [starts_at, ends_at) holds the server's now:
 * usually one, two during a handover, none outside the rota.
 */
import { randomUUID } from 'node:crypto';
import type { RoleShift, ShiftSource } from '../../shared/protocol/admin-schedule-api';
import type { Queryable } from '../db/database';

type ShiftRow = {
  shift_id: string;
  address_id: string;
  user_id: string;
  backup_user_id: string | null;
  starts_at: number | string;
  ends_at: number | string;
  source: ShiftSource;
  created_at: number | string;
};

const COLUMNS = 'shift_id, address_id, user_id, backup_user_id, starts_at, ends_at, source, created_at';

const shiftOf = (row: ShiftRow): RoleShift => ({
  shiftId: row.shift_id,
  addressId: row.address_id,
  userId: row.user_id,
  backupUserId: row.backup_user_id,
  startsAt: Number(row.starts_at),
  endsAt: Number(row.ends_at),
  source: row.source,
  createdAt: Number(row.created_at),
});

export interface NewShift {
  readonly addressId: string;
  readonly userId: string;
  readonly backupUserId: string | null;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly source: ShiftSource;
}

export async function insertShift(tx: Queryable, shift: NewShift, now: number): Promise<RoleShift> {
  const [row] = await tx.query<ShiftRow>(
    `INSERT INTO role_shifts (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [randomUUID(), shift.addressId, shift.userId, shift.backupUserId, shift.startsAt, shift.endsAt, shift.source, now],
  );
  return shiftOf(row as ShiftRow);
}

/** Many shifts of one address in one statement (an import). */
export async function insertShifts(
  tx: Queryable,
  addressId: string,
  shifts: readonly Omit<NewShift, 'addressId'>[],
  now: number,
): Promise<void> {
  if (shifts.length === 0) return;
  await tx.query(
    `INSERT INTO role_shifts (${COLUMNS})
     SELECT gen_random_uuid(), $1, s.user_id, s.backup_user_id, s.starts_at, s.ends_at, s.source, $2
     FROM unnest($3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[])
       AS s (user_id, backup_user_id, starts_at, ends_at, source)`,
    [
      addressId,
      now,
      shifts.map((shift) => shift.userId),
      shifts.map((shift) => shift.backupUserId),
      shifts.map((shift) => shift.startsAt),
      shifts.map((shift) => shift.endsAt),
      shifts.map((shift) => shift.source),
    ],
  );
}

/** New times and people for a shift of the address (now `manual`): whether it differed, or null for no such shift there. */
export async function updateShift(
  tx: Queryable,
  shift: Omit<NewShift, 'source'> & { readonly shiftId: string },
): Promise<boolean | null> {
  const rows = await tx.query(
    `UPDATE role_shifts SET user_id = $3, backup_user_id = $4, starts_at = $5, ends_at = $6, source = 'manual'
     WHERE shift_id = $1 AND address_id = $2
       AND (user_id, backup_user_id, starts_at, ends_at) IS DISTINCT FROM ($3, $4, $5::bigint, $6::bigint)
     RETURNING shift_id`,
    [shift.shiftId, shift.addressId, shift.userId, shift.backupUserId, shift.startsAt, shift.endsAt],
  );
  if (rows.length === 1) return true;
  const exists = await tx.query('SELECT 1 FROM role_shifts WHERE shift_id = $1 AND address_id = $2', [
    shift.shiftId,
    shift.addressId,
  ]);
  return exists.length === 1 ? false : null;
}

/** Deletes the shift of the address: whose shift it was, or null if there was none. */
export async function deleteShift(tx: Queryable, addressId: string, shiftId: string): Promise<string | null> {
  const [row] = await tx.query<{ user_id: string }>(
    'DELETE FROM role_shifts WHERE shift_id = $1 AND address_id = $2 RETURNING user_id',
    [shiftId, addressId],
  );
  return row?.user_id ?? null;
}

/** Deletes the address's shifts overlapping [from, to); how many. */
export async function deleteShiftsOverlapping(
  tx: Queryable,
  addressId: string,
  from: number,
  to: number,
): Promise<number> {
  const rows = await tx.query(
    'DELETE FROM role_shifts WHERE address_id = $1 AND starts_at < $3 AND ends_at > $2 RETURNING shift_id',
    [addressId, from, to],
  );
  return rows.length;
}

/**
 * The address's shifts overlapping [from, to), by start then id, after `after`; `more` says
 * whether another page follows.
 */
export async function shiftsInWindow(
  db: Queryable,
  input: {
    readonly addressId: string;
    readonly from: number;
    readonly to: number;
    readonly after: { readonly startsAt: number; readonly shiftId: string } | null;
    readonly limit: number;
  },
): Promise<{ shifts: RoleShift[]; more: boolean }> {
  const rows = await db.query<ShiftRow>(
    `SELECT ${COLUMNS} FROM role_shifts
     WHERE address_id = $1 AND starts_at < $3 AND ends_at > $2
       AND ($4::bigint IS NULL OR (starts_at, shift_id) > ($4::bigint, $5::uuid))
     ORDER BY starts_at, shift_id LIMIT $6`,
    [
      input.addressId,
      input.from,
      input.to,
      input.after?.startsAt ?? null,
      input.after?.shiftId ?? null,
      input.limit + 1,
    ],
  );
  return { shifts: rows.slice(0, input.limit).map(shiftOf), more: rows.length > input.limit };
}

/**
 * The shifts covering `now` of these addresses whose on-call person is an active account, by
 * start; a backup who is no longer active reads as none.
 */
export async function shiftsCovering(
  db: Queryable,
  addressIds: readonly string[],
  now: number,
): Promise<{ addressId: string; userId: string; backupUserId: string | null; endsAt: number }[]> {
  if (addressIds.length === 0) return [];
  const rows = await db.query<{
    address_id: string;
    user_id: string;
    backup_user_id: string | null;
    ends_at: number | string;
  }>(
    `SELECT s.address_id, s.user_id, CASE WHEN b.active THEN s.backup_user_id END AS backup_user_id, s.ends_at
     FROM role_shifts s JOIN accounts a ON a.user_id = s.user_id LEFT JOIN accounts b ON b.user_id = s.backup_user_id
     WHERE s.address_id = ANY($1::text[]) AND s.starts_at <= $2 AND s.ends_at > $2 AND a.active
     ORDER BY s.address_id, s.starts_at, s.shift_id`,
    [[...addressIds], now],
  );
  return rows.map((row) => ({
    addressId: row.address_id,
    userId: row.user_id,
    backupUserId: row.backup_user_id,
    endsAt: Number(row.ends_at),
  }));
}

/**
 * Before the person stops being a member: they no longer back anyone up on this address. (The
 * shifts they are on call for go with their membership: the table's ON DELETE CASCADE.)
 * How many shifts lost them as backup.
 */
export async function clearBackup(tx: Queryable, addressId: string, userIds: readonly string[]): Promise<number> {
  const rows = await tx.query(
    `UPDATE role_shifts SET backup_user_id = NULL WHERE address_id = $1 AND backup_user_id = ANY($2::text[])
     RETURNING shift_id`,
    [addressId, [...userIds]],
  );
  return rows.length;
}
