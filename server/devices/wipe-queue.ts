/**
 * IT's side of remote wipe: a command queued for a workstation, signed by the server's audit key
 * over its fixed fields (shared/protocol/device-command-api.ts), recorded on the server's chain
 * naming the IT admin and announced to that workstation's streams, all in one transaction. The
 * workstation is named twice, by id and by the name IT typed, so a wrong row wipes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { AdminDeviceCommand } from '../../shared/protocol/admin-wipe-api';
import { deviceCommandBytes, type DeviceCommand } from '../../shared/protocol/device-command-api';
import { accountExists } from '../accounts/account-store';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor } from '../admin/admin-events';
import type { AuditSigningKey } from '../audit/audit-signing-key';
import type { Clock } from '../clock';
import type { Database, Queryable } from '../db/database';
import { announceDeviceCommands } from '../events/channels';
import { fail, succeed, type Outcome } from '../outcome';
import { currentDeviceName, devicesOfUser, queueCommand, type NewCommand } from './device-command-store';

export interface WipeQueueDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** The server's audit key: the workstation pinned it, and acts only on what it signed. */
  readonly key: AuditSigningKey;
}

function signed(key: AuditSigningKey, fields: Omit<DeviceCommand, 'signature'>, issuedBy: string): NewCommand {
  return { ...fields, signature: key.sign(deviceCommandBytes(fields)), issuedBy };
}

/** Workstation names are host names: the confirmation ignores case and surrounding space. */
export function sameWorkstationName(current: string, typed: string): boolean {
  const plain = (name: string) => name.normalize('NFC').trim().toLowerCase();
  return plain(current) === plain(typed);
}

/**
 * Queues a wipe of the workstation, unless the name IT typed is not its current name
 * (CONFIRMATION_MISMATCH, recorded as a refusal) or it never gave one (NOT_FOUND). A wipe already
 * waiting for it is answered as it stands.
 */
export async function queueWorkstationWipe(
  deps: WipeQueueDeps,
  input: { readonly deviceId: string; readonly confirmName: string; readonly by: string },
): Promise<Outcome<AdminDeviceCommand>> {
  const by = checkedActor(input.by);
  const name = await currentDeviceName(deps.db, input.deviceId);
  if (name === null) return fail('NOT_FOUND');
  const said = { actor: by, action: 'workstation.wipe-queued', targetUserId: null, subject: input.deviceId } as const;
  if (!sameWorkstationName(name, input.confirmName)) {
    await recordAdminEvent(deps.db, { ...said, at: deps.clock(), outcome: 'failure', reason: 'CONFIRMATION_MISMATCH' });
    return fail('CONFIRMATION_MISMATCH');
  }
  return deps.db.transaction(async (tx) => {
    const at = deps.clock();
    const fields = {
      commandId: randomUUID(),
      deviceId: input.deviceId,
      kind: 'wipe-workstation',
      userId: null,
    } as const;
    const result = await queueCommand(tx, signed(deps.key, { ...fields, issuedAt: at }, by));
    if (result.queued) {
      await recordAdminEvent(tx, { ...said, at });
      await announceDeviceCommands(tx, [input.deviceId]);
    }
    return succeed(result.command);
  });
}

/**
 * Queues a wipe of the person's vault on every workstation they ever signed in at. NOT_FOUND for
 * no such person. Recorded once per workstation (or once, about the account, when there is none).
 */
export async function queueUserWipe(
  deps: WipeQueueDeps,
  input: { readonly userId: string; readonly by: string },
): Promise<Outcome<{ readonly workstations: number; readonly commands: AdminDeviceCommand[] }>> {
  const by = checkedActor(input.by);
  if (!(await accountExists(deps.db, input.userId))) return fail('NOT_FOUND');
  return deps.db.transaction(async (tx) =>
    succeed(await queueUserWipeWithin(tx, deps.key, input.userId, by, deps.clock())),
  );
}

/**
 * The same inside the caller's transaction (a password reset queues it with the reset): one
 * command per workstation the person signed in at, recorded with `by` (a checked actor).
 */
export async function queueUserWipeWithin(
  tx: Queryable,
  key: AuditSigningKey,
  userId: string,
  by: string,
  at: number,
): Promise<{ readonly workstations: number; readonly commands: AdminDeviceCommand[] }> {
  const devices = await devicesOfUser(tx, userId);
  const said = { at, actor: by, action: 'user.wipe-queued', targetUserId: userId } as const;
  const commands: AdminDeviceCommand[] = [];
  const queuedFor: string[] = [];
  for (const deviceId of devices) {
    const fields = { commandId: randomUUID(), deviceId, kind: 'wipe-user', userId } as const;
    const result = await queueCommand(tx, signed(key, { ...fields, issuedAt: at }, by));
    commands.push(result.command);
    if (!result.queued) continue;
    queuedFor.push(deviceId);
    await recordAdminEvent(tx, { ...said, subject: deviceId });
  }
  if (devices.length === 0) await recordAdminEvent(tx, said);
  await announceDeviceCommands(tx, queuedFor);
  return { workstations: devices.length, commands };
}
