/**
 * The handler of IT's "run retention now" (shared/protocol/admin-retention-api.ts): who may call
 * it is decided before it runs (server/http/route-access.ts: `admin.manage`); the run itself, its
 * one-at-a-time rule and its record on the server's chain naming the admin are
 * server/retention/message-retention-run.ts's.
 */
import type { adminRetentionRoutes } from '../../shared/protocol/admin-retention-api';
import type { RouteHandlers } from '../http/api-routes';
import { fail, succeed } from '../outcome';
import { MessageRetentionError, type RetentionRun } from '../retention/message-retention-run';

export interface AdminRetentionDeps {
  /** A run asked for by this admin now (the server folds its record into the chain afterwards). */
  readonly runMessageRetention: (actor: string) => Promise<RetentionRun>;
}

type Handlers = Pick<RouteHandlers, keyof typeof adminRetentionRoutes>;

export function createAdminRetentionHandlers(deps: AdminRetentionDeps): Handlers {
  return {
    adminRunMessageRetention: async ({ session }) => {
      let run: RetentionRun;
      try {
        run = await deps.runMessageRetention(session.userId);
      } catch (error) {
        if (error instanceof MessageRetentionError) return fail('RETENTION_RUN_FAILED');
        throw error;
      }
      // A run IT asks for is never "not due": the only other answer is that another holds the job.
      if (run.status !== 'ran') return fail('RETENTION_RUN_BUSY');
      const { days, acceptedBefore, envelopes, blobs } = run;
      return succeed({ days, acceptedBefore, envelopes, blobs, roleAddressBounds: run.roleAddresses.length });
    },
  };
}
