/**
 * The IT admin's own log (`/v1/admin/log/…`): what the signed-in admin did, read back from the
 * server's audit chain, so the Administration view shows the record itself rather than the
 * view's memory of it. Only `admin.action` records on the server's own chain whose actor is the
 * caller: what a workstation claims in the admin's name, and lookups (each search or session
 * list is recorded too, as `search.performed`), are not part of it. Records reach the chain by a
 * fold a moment after the action (server/audit/server-trail.ts), so the newest may lag.
 */
import { z } from 'zod';
import { auditObject } from '../audit/audit-event';
import { epochMs } from './identifiers';
import type { RouteSpec } from './route-spec';

export const ADMIN_LOG_PAGE_MAX = 100;

/** One action as the chain holds it: ids and codes only, never a name. */
export const adminLogEntry = z.strictObject({
  /** Its place in the server's whole trail: the compliance view finds it by this, and pages go by it. */
  treeIndex: z.number().int().nonnegative(),
  at: epochMs,
  /** What was done, as the chain's reason code (`ACCOUNT_DEACTIVATED`, `ACCOUNT_UNLOCKED`, …). */
  reason: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{1,39}$/)
    .nullable(),
  object: auditObject,
  outcome: z.enum(['success', 'failure']),
});
export type AdminLogEntry = z.infer<typeof adminLogEntry>;

export const adminLogRoutes = {
  /** The caller's own actions, newest first, a page at a time (`before`: a tree index, or null for the newest). */
  adminRecentActions: {
    method: 'POST',
    path: '/v1/admin/log/recent',
    auth: 'session',
    permission: 'admin.manage',
    request: z.strictObject({
      before: z.number().int().nonnegative().nullable(),
      limit: z.number().int().min(1).max(ADMIN_LOG_PAGE_MAX),
    }),
    response: z.strictObject({ entries: z.array(adminLogEntry).max(ADMIN_LOG_PAGE_MAX), more: z.boolean() }),
  },
} as const satisfies Record<string, RouteSpec>;
