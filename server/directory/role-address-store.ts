/** Role addresses ("On-call cardiology") and their current members. */
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
  await db.query('DELETE FROM role_members WHERE address_id = $1', [address.addressId]);
  await db.query('INSERT INTO role_members (address_id, user_id) SELECT $1, unnest($2::text[])', [
    address.addressId,
    [...memberIds],
  ]);
}

/** The address's members now (active or not). */
export async function roleMembersOf(db: Queryable, addressId: string): Promise<string[]> {
  const rows = await db.query<{ user_id: string }>('SELECT user_id FROM role_members WHERE address_id = $1', [
    addressId,
  ]);
  return rows.map((row) => row.user_id);
}
