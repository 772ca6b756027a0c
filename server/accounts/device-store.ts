/**
 * Registered devices: a device id bound to its Ed25519 key on first successful sign-in (trust on
 * first use). From then on, only that key can sign in or refresh as that device.
 */
import type { Queryable } from '../db/database';

export async function deviceKeyOf(db: Queryable, deviceId: string): Promise<string | null> {
  const rows = await db.query<{ public_key: string }>('SELECT public_key FROM devices WHERE device_id = $1', [
    deviceId,
  ]);
  return rows[0]?.public_key ?? null;
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
