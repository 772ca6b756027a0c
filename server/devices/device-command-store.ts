/**
 * The `device_commands` and `device_users` tables (migration 13): commands IT queued for a
 * workstation and where each stands, and which people signed in at which workstation under what
 * name. Each state change is one conditional UPDATE, so of any number of concurrent fetches or
 * reports exactly one delivers or completes a command, and only that one records it.
 */
import type { AdminDeviceCommand, AdminPersonWorkstation } from '../../shared/protocol/admin-wipe-api';
import type { DeviceCommand, DeviceCommandKind, WipeOutcome } from '../../shared/protocol/device-command-api';
import type { Queryable } from '../db/database';

interface CommandRow {
  command_id: string;
  device_id: string;
  kind: DeviceCommandKind;
  user_id: string | null;
  issued_by: string;
  issued_at: number | string;
  signature: string;
  delivered_at: number | string | null;
  done_at: number | string | null;
  outcome: WipeOutcome | null;
  audit_synced: boolean | null;
  [column: string]: unknown;
}

const orNull = (value: number | string | null) => (value === null ? null : Number(value));

export function adminViewOf(row: CommandRow): AdminDeviceCommand {
  const deliveredAt = orNull(row.delivered_at);
  const doneAt = orNull(row.done_at);
  return {
    commandId: row.command_id,
    deviceId: row.device_id,
    kind: row.kind,
    userId: row.user_id,
    issuedBy: row.issued_by,
    issuedAt: Number(row.issued_at),
    state: doneAt !== null ? 'done' : deliveredAt !== null ? 'delivered' : 'queued',
    deliveredAt,
    doneAt,
    outcome: row.outcome,
    auditSynced: row.audit_synced,
  };
}

/** As the workstation receives it: the signed fields and the signature. */
function deviceViewOf(row: CommandRow): DeviceCommand {
  const fields = {
    commandId: row.command_id,
    deviceId: row.device_id,
    issuedAt: Number(row.issued_at),
    signature: row.signature,
  };
  return row.kind === 'wipe-user' && row.user_id !== null
    ? { ...fields, kind: 'wipe-user', userId: row.user_id }
    : { ...fields, kind: 'wipe-workstation', userId: null };
}

export type NewCommand = Omit<DeviceCommand, 'signature'> & { readonly signature: string; readonly issuedBy: string };

/**
 * Queues the command, unless one of the same kind (and person) already waits for that
 * workstation: then that one is answered and `queued` is false.
 */
export async function queueCommand(
  tx: Queryable,
  command: NewCommand,
): Promise<{ readonly command: AdminDeviceCommand; readonly queued: boolean }> {
  const inserted = await tx.query<CommandRow>(
    `INSERT INTO device_commands (command_id, device_id, kind, user_id, issued_by, issued_at, signature)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (device_id, kind, (COALESCE(user_id, ''))) WHERE done_at IS NULL DO NOTHING
     RETURNING *`,
    [
      command.commandId,
      command.deviceId,
      command.kind,
      command.userId,
      command.issuedBy,
      command.issuedAt,
      command.signature,
    ],
  );
  const row = inserted[0];
  if (row !== undefined) return { command: adminViewOf(row), queued: true };
  const [waiting] = await tx.query<CommandRow>(
    `SELECT * FROM device_commands WHERE device_id = $1 AND kind = $2 AND COALESCE(user_id, '') = COALESCE($3::text, '')
       AND done_at IS NULL`,
    [command.deviceId, command.kind, command.userId],
  );
  if (waiting === undefined) throw new Error('a pending command vanished between insert and read');
  return { command: adminViewOf(waiting), queued: false };
}

/**
 * The workstation's commands not yet done, oldest first; those never fetched before are marked
 * delivered at `now` and listed in `delivered` (only this call saw them undelivered).
 */
export async function deliverCommands(
  tx: Queryable,
  deviceId: string,
  now: number,
  limit: number,
): Promise<{ readonly commands: DeviceCommand[]; readonly delivered: AdminDeviceCommand[] }> {
  const delivered = await tx.query<CommandRow>(
    `UPDATE device_commands SET delivered_at = $2
     WHERE command_id IN (SELECT command_id FROM device_commands
                          WHERE device_id = $1 AND done_at IS NULL AND delivered_at IS NULL
                          ORDER BY issued_at, command_id LIMIT $3)
       AND delivered_at IS NULL
     RETURNING *`,
    [deviceId, now, limit],
  );
  const pending = await tx.query<CommandRow>(
    `SELECT * FROM device_commands WHERE device_id = $1 AND done_at IS NULL ORDER BY issued_at, command_id LIMIT $2`,
    [deviceId, limit],
  );
  return { commands: pending.map(deviceViewOf), delivered: delivered.map(adminViewOf) };
}

/**
 * Whether the workstation is carrying out a wipe of itself: one it has fetched and not yet
 * reported done. Its audit records are still taken then, even after a revocation
 * (audit-intake.ts), so the wipe can send them before it destroys the log.
 */
export async function wipeUnderWay(tx: Queryable, deviceId: string): Promise<boolean> {
  const rows = await tx.query<{ command_id: string }>(
    `SELECT command_id FROM device_commands
     WHERE device_id = $1 AND kind = 'wipe-workstation' AND delivered_at IS NOT NULL AND done_at IS NULL LIMIT 1`,
    [deviceId],
  );
  return rows.length === 1;
}

export type Completion =
  | { readonly kind: 'completed'; readonly command: AdminDeviceCommand }
  | { readonly kind: 'already-done'; readonly doneAt: number }
  | { readonly kind: 'unknown' };

/** Marks the workstation's command done, once; a command of another workstation is unknown here. */
export async function completeCommand(
  tx: Queryable,
  input: {
    readonly deviceId: string;
    readonly commandId: string;
    readonly outcome: WipeOutcome;
    readonly auditSynced: boolean;
    readonly now: number;
  },
): Promise<Completion> {
  const [done] = await tx.query<CommandRow>(
    `UPDATE device_commands SET done_at = $3, outcome = $4, audit_synced = $5, delivered_at = COALESCE(delivered_at, $3)
     WHERE command_id = $1 AND device_id = $2 AND done_at IS NULL RETURNING *`,
    [input.commandId, input.deviceId, input.now, input.outcome, input.auditSynced],
  );
  if (done !== undefined) return { kind: 'completed', command: adminViewOf(done) };
  const [earlier] = await tx.query<{ done_at: number | string | null }>(
    'SELECT done_at FROM device_commands WHERE command_id = $1 AND device_id = $2',
    [input.commandId, input.deviceId],
  );
  return earlier?.done_at != null ? { kind: 'already-done', doneAt: Number(earlier.done_at) } : { kind: 'unknown' };
}

export async function commandsOfDevice(db: Queryable, deviceId: string, limit: number): Promise<AdminDeviceCommand[]> {
  const rows = await db.query<CommandRow>(
    'SELECT * FROM device_commands WHERE device_id = $1 ORDER BY issued_at DESC, command_id LIMIT $2',
    [deviceId, limit],
  );
  return rows.map(adminViewOf);
}

/** At each sign-in, in its transaction: this person has used this workstation, which calls itself `deviceName`. */
export async function recordDeviceUser(
  tx: Queryable,
  input: { readonly deviceId: string; readonly userId: string; readonly deviceName: string },
  now: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO device_users (device_id, user_id, device_name, last_signed_in_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (device_id, user_id) DO UPDATE SET device_name = $3, last_signed_in_at = $4`,
    [input.deviceId, input.userId, input.deviceName, now],
  );
}

/** The name the workstation gave at its latest sign-in, or null if it never gave one. */
export async function currentDeviceName(db: Queryable, deviceId: string): Promise<string | null> {
  const [row] = await db.query<{ device_name: string }>(
    `SELECT device_name FROM device_users WHERE device_id = $1 AND device_name IS NOT NULL
     ORDER BY last_signed_in_at DESC LIMIT 1`,
    [deviceId],
  );
  return row?.device_name ?? null;
}

/** Every workstation the person ever signed in at (as far as this server knows). */
export async function devicesOfUser(db: Queryable, userId: string): Promise<string[]> {
  const rows = await db.query<{ device_id: string }>(
    'SELECT device_id FROM device_users WHERE user_id = $1 ORDER BY last_signed_in_at DESC',
    [userId],
  );
  return rows.map((row) => row.device_id);
}

/** The workstations the person signed in at, the most recent first, with their state. */
export async function workstationsOfUser(
  db: Queryable,
  userId: string,
  limit: number,
): Promise<AdminPersonWorkstation[]> {
  const rows = await db.query<{
    device_id: string;
    device_name: string | null;
    last_signed_in_at: number | string;
    revoked_at: number | string | null;
    wiped_at: number | string | null;
  }>(
    `SELECT u.device_id::text AS device_id, u.device_name, u.last_signed_in_at, d.revoked_at,
       (SELECT max(done_at) FROM device_commands c
         WHERE c.device_id = u.device_id AND c.kind = 'wipe-workstation' AND c.outcome = 'wiped') AS wiped_at
     FROM device_users u JOIN devices d ON d.device_id = u.device_id
     WHERE u.user_id = $1 ORDER BY u.last_signed_in_at DESC, u.device_id LIMIT $2`,
    [userId, limit],
  );
  return rows.map((row) => ({
    deviceId: row.device_id,
    name: row.device_name,
    lastSignedInAt: Number(row.last_signed_in_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    wipedAt: row.wiped_at === null ? null : Number(row.wiped_at),
  }));
}

/** Whether IT has commands waiting for the workstation (the audit batch's answer says so). */
export async function hasPendingCommands(db: Queryable, deviceId: string): Promise<boolean> {
  const [row] = await db.query<{ pending: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM device_commands WHERE device_id = $1 AND done_at IS NULL) AS pending',
    [deviceId],
  );
  return row?.pending === true;
}

/** Of these workstations, those with commands waiting (for hints a lost notification may have carried). */
export async function devicesWithPendingCommands(db: Queryable, deviceIds: readonly string[]): Promise<string[]> {
  if (deviceIds.length === 0) return [];
  const rows = await db.query<{ device_id: string }>(
    'SELECT DISTINCT device_id FROM device_commands WHERE done_at IS NULL AND device_id = ANY($1::uuid[])',
    [deviceIds],
  );
  return rows.map((row) => row.device_id);
}
