/**
 * The compliance officer's IPC channels (`audit.search`, `audit.export`): main asks the server
 * and checks what it shows (compliance-search.ts), and records each search and export on this
 * workstation's trail (by result count only), an export before its file exists.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { auditEvent } from '../../shared/audit/audit-event-builder';
import { appError } from '../../shared/errors';
import type { channels } from '../../shared/ipc/contract';
import { fail } from '../../shared/ipc/result';
import { writeFileAtomic } from '../fs/atomic-file';
import type { HandlersFor } from '../ipc/router';
import type { ApiClient } from '../server-link/api-client';
import type { SessionService } from '../session/session-contract';
import type { AuditTrail } from './audit-trail';
import { createComplianceSearch } from './compliance-search';
import { AuditError } from './device-audit-log';
import { readWitnessedHead } from './witnessed-head-file';

export type ComplianceChannels = Pick<HandlersFor<typeof channels>, 'audit.search' | 'audit.export'>;

export function createComplianceChannels(deps: {
  readonly api: ApiClient | null;
  /** Holds `machine/audit-head.json`, the witnessed head a search is checked against. */
  readonly dataDir: string;
  /** Where exports are written: this OS user's, never the shared data folder (data-locations.ts). */
  readonly exportsDir: string;
  readonly session: Pick<SessionService, 'state' | 'serverToken'>;
  readonly audit: Pick<AuditTrail, 'record'>;
  readonly now: () => number;
}): ComplianceChannels {
  const { session, audit, now } = deps;
  const compliance =
    deps.api === null
      ? null
      : createComplianceSearch({
          api: deps.api,
          token: () => session.serverToken(),
          witnessed: () => {
            const read = readWitnessedHead(deps.dataDir);
            return read.ok ? read.value : null;
          },
        });
  return {
    'audit.export': async ({ filter }) => {
      if (compliance === null) return fail(appError('NO_SERVER_CONFIGURED'));
      const actor = session.state();
      if (actor.state !== 'unlocked') return fail(appError('NOT_SIGNED_IN'));
      try {
        return await compliance.exportSelection(
          filter,
          async (fileName, content, records) => {
            // Recorded before the file exists: no export leaves unrecorded.
            await audit.record(
              auditEvent({
                action: 'export.created',
                actor: { userId: actor.user.userId, role: actor.user.role },
                object: { kind: 'search', resultCount: records },
              }),
            );
            await mkdir(deps.exportsDir, { recursive: true, mode: 0o700 });
            writeFileAtomic(path.join(deps.exportsDir, fileName), Buffer.from(content, 'utf8'));
          },
          now(),
        );
      } catch (error) {
        if (error instanceof AuditError) return fail(appError('AUDIT_UNAVAILABLE'));
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return fail(appError('DISK_FULL'));
        throw error;
      }
    },
    'audit.search': async ({ filter, afterIndex }) => {
      if (compliance === null) return fail(appError('NO_SERVER_CONFIGURED'));
      const found = await compliance.search(filter, afterIndex);
      if (!found.ok) return found;
      const actor = session.state();
      // A compliance search is itself an access to the trail: recorded, by result count only.
      if (actor.state === 'unlocked') {
        try {
          await audit.record(
            auditEvent({
              action: 'search.performed',
              actor: { userId: actor.user.userId, role: actor.user.role },
              object: { kind: 'search', resultCount: found.value.records.length },
            }),
          );
        } catch {
          return fail(appError('AUDIT_UNAVAILABLE'));
        }
      }
      return found;
    },
  };
}
