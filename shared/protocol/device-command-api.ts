/**
 * What IT asks a workstation to do (remote wipe, issue 16), and how the workstation asks for it
 * and says it is done. Both routes are the device's own, like the audit batch: no session (a
 * wiped clinician is signed out, a stolen workstation has no one signed in), a device proof
 * instead, good once.
 *
 * Each command is signed by the server's audit key (Ed25519) over `deviceCommandBytes`, so a
 * workstation acts only on a command from the server whose audit key it pinned at its first
 * audit sync, never on one that merely arrived over a connection.
 *
 * The workstation learns that commands wait at its next contact: a `commands-pending` stream frame
 * to any session on it, and the `wardline-commands: pending` header on every answer to a session
 * of that device and on audit batch answers.
 */
import { z } from 'zod';
import { deviceProof } from './auth';
import { signature } from './binary';
import { epochMs, userId, uuid } from './identifiers';
import type { RouteSpec } from './route-spec';

/** `wipe-workstation`: every vault and (once its records are on the server) the audit log. `wipe-user`: one person's vault. */
export const DEVICE_COMMAND_KINDS = ['wipe-workstation', 'wipe-user'] as const;
export type DeviceCommandKind = (typeof DEVICE_COMMAND_KINDS)[number];

/** `wiped-audit-kept`: the vaults went, but the audit log's unsent records could not reach the server, so it stays. */
export const WIPE_OUTCOMES = ['wiped', 'wiped-audit-kept'] as const;
export type WipeOutcome = (typeof WIPE_OUTCOMES)[number];

/** Commands answered per fetch; more wait for the next one. */
export const DEVICE_COMMANDS_MAX = 20;

/** Set on answers to a device with commands waiting (see above). */
export const COMMANDS_PENDING_HEADER = 'wardline-commands';
export const COMMANDS_PENDING_VALUE = 'pending';

const commandFields = { commandId: uuid, deviceId: uuid, issuedAt: epochMs, signature };

export const deviceCommand = z.discriminatedUnion('kind', [
  z.strictObject({ ...commandFields, kind: z.literal('wipe-workstation'), userId: z.null() }),
  z.strictObject({ ...commandFields, kind: z.literal('wipe-user'), userId }),
]);
export type DeviceCommand = z.infer<typeof deviceCommand>;

const encoder = new TextEncoder();

/** What the server's audit key signs: domain-separated, every field in a fixed place. */
export function deviceCommandBytes(command: Omit<DeviceCommand, 'signature'>): Uint8Array {
  return encoder.encode(
    JSON.stringify([
      'wardline/device-command/v1',
      command.commandId,
      command.deviceId,
      command.kind,
      command.userId,
      command.issuedAt,
    ]),
  );
}

/** What the device key signs to fetch its commands. */
export function commandsFetchProofBytes(input: { deviceId: string; timestamp: number }): Uint8Array {
  return encoder.encode(JSON.stringify(['wardline/device-commands-fetch/v1', input.deviceId, input.timestamp]));
}

/** What the device key signs to report a command done: the report itself, so it cannot be altered. */
export function commandReportProofBytes(input: {
  deviceId: string;
  commandId: string;
  outcome: WipeOutcome;
  auditSynced: boolean;
  timestamp: number;
}): Uint8Array {
  return encoder.encode(
    JSON.stringify([
      'wardline/device-command-report/v1',
      input.deviceId,
      input.commandId,
      input.outcome,
      input.auditSynced,
      input.timestamp,
    ]),
  );
}

export const deviceCommandRoutes = {
  /** The device's commands not yet done, oldest first; the first fetch marks each delivered. */
  fetchDeviceCommands: {
    method: 'POST',
    path: '/v1/device/commands',
    auth: 'none',
    request: z.strictObject({ proof: deviceProof }),
    response: z.strictObject({ commands: z.array(deviceCommand).max(DEVICE_COMMANDS_MAX) }),
  },
  /** The command was carried out; a second report of the same command is answered as the first. */
  reportDeviceCommand: {
    method: 'POST',
    path: '/v1/device/commands/done',
    auth: 'none',
    request: z.strictObject({
      commandId: uuid,
      outcome: z.enum(WIPE_OUTCOMES),
      /** Every audit record the workstation held reached the server before its audit log was shredded. */
      auditSynced: z.boolean(),
      proof: deviceProof,
    }),
    response: z.strictObject({ doneAt: epochMs }),
  },
} as const satisfies Record<string, RouteSpec>;
