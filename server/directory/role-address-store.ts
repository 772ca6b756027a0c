/**
 * Role addresses ("On-call cardiology") and their current members.
 *
 * A member is someone a message to the address may reach. On-call shifts (role-shift-store.ts)
 * choose among these members by time, in a table that refers to (address_id, user_id) here, so
 * the member list stays the roster: a member's shifts go when they leave it.
 */
import type { Queryable } from '../db/database';

export interface RoleAddress {
  readonly addressId: string;
  readonly displayName: string;
  readonly department: string;
  readonly description: string;
}

export async function storeRoleAddress(
  db: Queryable,
  address: RoleAddress,
  memberIds: readonly string[],
): Promise<void> {
  await db.query(
    `INSERT INTO role_addresses (address_id, display_name, department, description) VALUES ($1, $2, $3, $4)
     ON CONFLICT (address_id) DO UPDATE SET display_name = EXCLUDED.display_name, department = EXCLUDED.department,
       description = EXCLUDED.description`,
    [address.addressId, address.displayName, address.department, address.description],
  );
  // Only those who leave are deleted (and with them their shifts): members who stay keep theirs.
  await db.query('DELETE FROM role_members WHERE address_id = $1 AND NOT (user_id = ANY($2::text[]))', [
    address.addressId,
    [...memberIds],
  ]);
  await db.query(
    'INSERT INTO role_members (address_id, user_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
    [address.addressId, [...memberIds]],
  );
}

/** The address's members now (active or not). */
export async function roleMembersOf(db: Queryable, addressId: string): Promise<string[]> {
  const rows = await db.query<{ user_id: string }>('SELECT user_id FROM role_members WHERE address_id = $1', [
    addressId,
  ]);
  return rows.map((row) => row.user_id);
}

/** The address's members (active or not) with their names, as a rota file may name them. */
export async function namedMembersOf(
  db: Queryable,
  addressId: string,
): Promise<{ userId: string; displayName: string }[]> {
  const rows = await db.query<{ user_id: string; display_name: string }>(
    `SELECT a.user_id, a.display_name FROM role_members m JOIN accounts a ON a.user_id = m.user_id
     WHERE m.address_id = $1 ORDER BY a.user_id`,
    [addressId],
  );
  return rows.map((row) => ({ userId: row.user_id, displayName: row.display_name }));
}

/** A new address without members; false if the id is taken (by a concurrent insert too). */
export async function insertRoleAddress(db: Queryable, address: RoleAddress): Promise<boolean> {
  const rows = await db.query<{ address_id: string }>(
    `INSERT INTO role_addresses (address_id, display_name, department, description) VALUES ($1, $2, $3, $4)
     ON CONFLICT (address_id) DO NOTHING RETURNING address_id`,
    [address.addressId, address.displayName, address.department, address.description],
  );
  return rows.length === 1;
}

/** New name, department and description: whether they differed, or null for no such address. */
export async function updateRoleAddress(db: Queryable, address: RoleAddress): Promise<boolean | null> {
  const rows = await db.query<{ address_id: string }>(
    `UPDATE role_addresses SET display_name = $2, department = $3, description = $4
     WHERE address_id = $1 AND (display_name, department, description) IS DISTINCT FROM ($2, $3, $4)
     RETURNING address_id`,
    [address.addressId, address.displayName, address.department, address.description],
  );
  if (rows.length === 1) return true;
  return (await roleAddressExists(db, address.addressId)) ? false : null;
}

export async function roleAddressExists(db: Queryable, addressId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM role_addresses WHERE address_id = $1', [addressId])).length > 0;
}

/**
 * Holds the address until the transaction ends, so member changes to one address take turns
 * (a member limit cannot be overrun by two adds at once); false if there is no such address.
 */
export async function lockRoleAddress(tx: Queryable, addressId: string): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM role_addresses WHERE address_id = $1 FOR NO KEY UPDATE', [addressId]);
  return rows.length > 0;
}

export async function roleMemberCount(db: Queryable, addressId: string): Promise<number> {
  const [row] = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM role_members WHERE address_id = $1', [
    addressId,
  ]);
  return Number(row?.n ?? 0);
}

/** Whether the person became a member now (false: they already were). */
export async function insertRoleMember(db: Queryable, addressId: string, userId: string): Promise<boolean> {
  const rows = await db.query(
    'INSERT INTO role_members (address_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id',
    [addressId, userId],
  );
  return rows.length === 1;
}

/** Whether the person stopped being a member now (false: they were not one). */
export async function deleteRoleMember(db: Queryable, addressId: string, userId: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM role_members WHERE address_id = $1 AND user_id = $2 RETURNING user_id', [
    addressId,
    userId,
  ]);
  return rows.length === 1;
}
