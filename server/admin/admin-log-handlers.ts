/**
 * The IT admin's own log (shared/protocol/admin-log-api.ts): their `admin.action` records on the
 * server's chain, newest first, read from the audit store as the compliance view would find
 * them. Only `admin.manage` reaches it (server/http/route-access.ts), and only the caller's own
 * records come back: the actor is the session's, never a field of the request. The read is
 * recorded like every other admin lookup (admin-lookup.ts).
 */
import type { adminLogRoutes, AdminLogEntry } from '../../shared/protocol/admin-log-api';
import { recentRecordsBy } from '../audit/audit-record-store';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { RouteHandlers } from '../http/api-routes';
import { succeed } from '../outcome';
import { recordAdminLookup } from './admin-lookup';

export interface AdminLogDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** The server's own chain (server/audit/server-trail.ts): records a workstation sent are not the admin's log. */
  readonly chainId: string;
  /** A served event was recorded (fold it soon). */
  readonly onServed?: () => void;
}

type AdminLogHandlers = Pick<RouteHandlers, keyof typeof adminLogRoutes>;

export function createAdminLogHandlers(deps: AdminLogDeps): AdminLogHandlers {
  return {
    adminRecentActions: async ({ body, session }) => {
      const found = await recentRecordsBy(deps.db, {
        chainId: deps.chainId,
        actor: session.userId,
        action: 'admin.action',
        before: body.before,
        limit: body.limit + 1,
      });
      const entries: AdminLogEntry[] = found.slice(0, body.limit).map(({ treeIndex, record }) => ({
        treeIndex,
        at: record.at,
        reason: record.reason,
        object: record.object,
        outcome: record.outcome,
      }));
      await recordAdminLookup(deps, session.userId, entries.length);
      deps.onServed?.();
      return succeed({ entries, more: found.length > body.limit });
    },
  };
}
