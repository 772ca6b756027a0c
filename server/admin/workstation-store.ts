/**
 * Registered workstations as the Administration view lists them: each device with the name and
 * person of its latest sign-in (kept on the device's row, since sessions are swept a day after
 * they end), the version its client reported, when it was last heard from (its key proving a
 * request, or one of its sessions in use), whether IT revoked it, and whether a wipe destroyed its key.
 */
import type { AdminWorkstation } from '../../shared/protocol/admin-directory-api';
import type { Queryable } from '../db/database';

type WorkstationRow = {
  device_id: string;
  registered_at: number | string;
  last_contact_at: number | string;
  device_name: string | null;
  user_id: string | null;
  display_name: string | null;
  app_version: string | null;
  revoked_at: number | string | null;
  wiped_at: number | string | null;
};

/** Where a page starts: after this workstation in the order last contact (newest first), then device id. */
export interface WorkstationCursor {
  readonly lastContactAt: number;
  readonly deviceId: string;
}

/**
 * One page of workstations, the most recently heard from first; `more` says whether another
 * follows. A workstation heard from while the pages are read may move ahead of the cursor and
 * be missed by this pass: the next listing shows it first.
 */
export async function listWorkstations(
  db: Queryable,
  input: { readonly after: WorkstationCursor | null; readonly limit: number },
): Promise<{ workstations: AdminWorkstation[]; more: boolean }> {
  const rows = await db.query<WorkstationRow>(
    `SELECT * FROM (
       SELECT d.device_id::text AS device_id, d.registered_at, d.app_version, d.revoked_at, c.wiped_at,
         GREATEST(d.registered_at, COALESCE(d.last_contact_at, 0), COALESCE(s.last_seen_at, 0)) AS last_contact_at,
         d.last_device_name AS device_name, a.user_id, a.display_name
       FROM devices d
       LEFT JOIN LATERAL (SELECT max(last_seen_at) AS last_seen_at FROM sessions WHERE device_id = d.device_id) s ON true
       LEFT JOIN LATERAL (SELECT max(done_at) AS wiped_at FROM device_commands
                          WHERE device_id = d.device_id AND kind = 'wipe-workstation' AND outcome = 'wiped') c ON true
       LEFT JOIN accounts a ON a.user_id = d.last_user_id
     ) w
     WHERE $1::bigint IS NULL OR (w.last_contact_at, w.device_id) < ($1::bigint, $2::text)
     ORDER BY w.last_contact_at DESC, w.device_id DESC LIMIT $3`,
    [input.after?.lastContactAt ?? null, input.after?.deviceId ?? null, input.limit + 1],
  );
  return {
    workstations: rows.slice(0, input.limit).map((row) => ({
      deviceId: row.device_id,
      name: row.device_name,
      registeredAt: Number(row.registered_at),
      lastContactAt: Number(row.last_contact_at),
      lastUser:
        row.user_id === null || row.display_name === null
          ? null
          : { userId: row.user_id, displayName: row.display_name },
      appVersion: row.app_version,
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
      wipedAt: row.wiped_at === null ? null : Number(row.wiped_at),
    })),
    more: rows.length > input.limit,
  };
}
