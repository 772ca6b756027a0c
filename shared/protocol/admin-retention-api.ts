/**
 * Message retention in the administration API: IT runs the server's retention now instead of
 * waiting for the daily run (server/retention/message-retention-run.ts). It deletes only what the
 * organisation's bound and role addresses' own bounds already make due, so it needs `admin.manage` but no fresh proof; it is
 * recorded on the server's chain naming the IT admin, like the scheduled run, refusals too.
 */
import { z } from 'zod';
import { epochMs } from './identifiers';
import type { RouteSpec } from './route-spec';

export const adminRetentionRoutes = {
  /**
   * Runs retention now: what went, and the organisation's bound (role addresses with their own
   * go by theirs). RETENTION_RUN_BUSY while another run (on
   * any instance) holds the job; RETENTION_RUN_FAILED if the database stopped it midway (what it
   * had deleted stays deleted and is on the chain with the failure).
   */
  adminRunMessageRetention: {
    method: 'POST',
    path: '/v1/admin/retention/run',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({}),
    response: z.strictObject({
      days: z.number().int().positive(),
      acceptedBefore: epochMs,
      /** Of the whole run: under the organisation's bound and every role address's own. */
      envelopes: z.number().int().nonnegative(),
      blobs: z.number().int().nonnegative(),
      /** How many role addresses had a bound of their own (each is on the chain if it deleted anything). */
      roleAddressBounds: z.number().int().nonnegative(),
    }),
  },
} as const satisfies Record<string, RouteSpec>;
