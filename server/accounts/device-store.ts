/**
 * Registered devices: a device id bound to its Ed25519 key on first successful sign-in (trust on
 * first use). From then on, only that key can sign in or refresh as that device, until IT revokes
 * it (server/admin/workstation-admin.ts), after which nothing it signs is accepted again.
 *
 * Race-safety of revocation: every request the key proves (sign-in, refresh, audit batch) takes
 * the device's row lock, in its own transaction, with `recordDeviceContact` (an UPDATE that
 * matches only an unrevoked row), and revocation takes the same lock with its UPDATE. So either
 * the request commits first and the revocation, waiting for it, then ends the session it opened,
 * or the revocation commits first and the request, re-reading the row once the lock is free,
 * finds it revoked. Nothing opens on a device after its revocation commits.
 */
import type { Queryable } from '../db/database';

export async function deviceKeyOf(db: Queryable, deviceId: string): Promise<string | null> {
  const rows = await db.query<{ public_key: string }>('SELECT public_key FROM devices WHERE device_id = $1', [
    deviceId,
  ]);
  return rows[0]?.public_key ?? null;
}

/** Whether IT revoked the device (false for a device never registered). */
export async function deviceRevoked(db: Queryable, deviceId: string): Promise<boolean> {
  const rows = await db.query<{ revoked: boolean }>(
    'SELECT revoked_at IS NOT NULL AS revoked FROM devices WHERE device_id = $1',
    [deviceId],
  );
  return rows[0]?.revoked === true;
}

/** Registers the device if new; true if the device's registered key is `publicKey`. */
export async function registerDevice(
  db: Queryable,
  deviceId: string,
  publicKey: string,
  now: number,
): Promise<boolean> {
  await db.query(
    'INSERT INTO devices (device_id, public_key, registered_at) VALUES ($1, $2, $3) ON CONFLICT (device_id) DO NOTHING',
    [deviceId, publicKey, now],
  );
  return (await deviceKeyOf(db, deviceId)) === publicKey;
}

export interface DeviceContact {
  readonly at: number;
  /** The client's `wardline-version` header, or null to keep what it said before. */
  readonly appVersion: string | null;
  /** A sign-in: the name the device gave and who signed in, kept as its latest. */
  readonly signIn?: { readonly deviceName: string; readonly userId: string };
}

/**
 * The device's key just proved a request: its last contact (and version, and on sign-in its
 * name and person) are noted, holding its row lock until the caller's transaction ends. False
 * if the device is revoked (or unknown): the caller refuses the request and rolls back.
 */
export async function recordDeviceContact(tx: Queryable, deviceId: string, contact: DeviceContact): Promise<boolean> {
  const rows = await tx.query<{ device_id: string }>(
    `UPDATE devices SET last_contact_at = GREATEST(COALESCE(last_contact_at, 0), $2),
       app_version = COALESCE($3, app_version),
       last_device_name = COALESCE($4, last_device_name), last_user_id = COALESCE($5, last_user_id)
     WHERE device_id = $1 AND revoked_at IS NULL RETURNING device_id`,
    [deviceId, contact.at, contact.appVersion, contact.signIn?.deviceName ?? null, contact.signIn?.userId ?? null],
  );
  return rows.length === 1;
}

/** What revoking found: no such device, one revoked before, or one revoked now (its row lock held). */
export type Revocation = 'unknown' | 'already-revoked' | 'revoked';

/** Revokes the device at `now`, once; the caller ends its sessions in the same transaction. */
export async function revokeDevice(tx: Queryable, deviceId: string, now: number): Promise<Revocation> {
  const revoked = await tx.query<{ device_id: string }>(
    'UPDATE devices SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL RETURNING device_id',
    [deviceId, now],
  );
  if (revoked.length === 1) return 'revoked';
  return (await deviceKeyOf(tx, deviceId)) === null ? 'unknown' : 'already-revoked';
}
