/**
 * Remote wipe in the administration API (issue 16): IT queues a signed command for a workstation
 * (shared/protocol/device-command-api.ts), which carries it out at its next contact and says so.
 * Queuing is destructive, so `fresh` (re-authenticated within five minutes); a workstation is
 * named twice, by id and by the name IT typed to confirm it, so a wrong row in a list wipes
 * nothing. Every call joins the server's chain naming the IT admin, in its own transaction.
 */
import { z } from 'zod';
import { DEVICE_COMMAND_KINDS, WIPE_OUTCOMES } from './device-command-api';
import { epochMs, userId, uuid } from './identifiers';
import type { RouteSpec } from './route-spec';

export const ADMIN_DEVICE_COMMANDS_MAX = 100;

/** A command as the console shows it: queued, delivered (fetched by the workstation) or done, with times. */
export const adminDeviceCommand = z.strictObject({
  commandId: uuid,
  deviceId: uuid,
  kind: z.enum(DEVICE_COMMAND_KINDS),
  /** Whose vault, for `wipe-user`. */
  userId: userId.nullable(),
  issuedBy: z.string().max(64),
  issuedAt: epochMs,
  state: z.enum(['queued', 'delivered', 'done']),
  deliveredAt: epochMs.nullable(),
  doneAt: epochMs.nullable(),
  outcome: z.enum(WIPE_OUTCOMES).nullable(),
  /** Whether the workstation's unsent audit records reached the server first; null until done. */
  auditSynced: z.boolean().nullable(),
});
export type AdminDeviceCommand = z.infer<typeof adminDeviceCommand>;

/** A workstation a person signed in at: where their vault may be, and where a wipe of their data goes. */
export const adminPersonWorkstation = z.strictObject({
  deviceId: uuid,
  /** The name the workstation gave at the person's latest sign-in there. */
  name: z.string().max(200).nullable(),
  lastSignedInAt: epochMs,
  revokedAt: epochMs.nullable(),
  /** When a wipe of the whole workstation was reported done with its key destroyed; null if never. */
  wipedAt: epochMs.nullable(),
});
export type AdminPersonWorkstation = z.infer<typeof adminPersonWorkstation>;

export const adminWipeRoutes = {
  /**
   * Wipes a workstation at its next contact. `confirmName` must be the workstation's current name
   * (as its latest sign-in gave it), else CONFIRMATION_MISMATCH and nothing is queued. A wipe already
   * waiting for it is answered, not queued twice.
   */
  adminWipeWorkstation: {
    method: 'POST',
    path: '/v1/admin/workstations/wipe',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: z.strictObject({ deviceId: uuid, confirmName: z.string().max(200) }),
    response: z.strictObject({ command: adminDeviceCommand }),
  },
  /** Shreds a person's vault on every workstation they ever signed in at, each at its next contact. */
  adminWipeUser: {
    method: 'POST',
    path: '/v1/admin/accounts/wipe',
    auth: 'session',
    permission: 'admin.manage',
    fresh: true,
    request: z.strictObject({ userId }),
    response: z.strictObject({
      /** How many workstations the person signed in at: each has a wipe waiting for it now. */
      workstations: z.number().int().nonnegative(),
      /** Those wipes, the first ADMIN_DEVICE_COMMANDS_MAX of them. */
      commands: z.array(adminDeviceCommand).max(ADMIN_DEVICE_COMMANDS_MAX),
    }),
  },
  /** The workstations a person signed in at, the most recent first (the first ADMIN_DEVICE_COMMANDS_MAX). */
  adminPersonWorkstations: {
    method: 'POST',
    path: '/v1/admin/accounts/workstations',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({ userId }),
    response: z.strictObject({ workstations: z.array(adminPersonWorkstation).max(ADMIN_DEVICE_COMMANDS_MAX) }),
  },
  /** A workstation's name and its commands, newest first, with where each one stands. */
  adminDeviceCommands: {
    method: 'POST',
    path: '/v1/admin/workstations/commands',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({ deviceId: uuid }),
    response: z.strictObject({
      deviceName: z.string().max(200).nullable(),
      commands: z.array(adminDeviceCommand).max(ADMIN_DEVICE_COMMANDS_MAX),
    }),
  },
} as const satisfies Record<string, RouteSpec>;
