/**
 * The signed-in clinician's own availability: setting it on the server and reading it back, and
 * the copy this workstation keeps (`OwnAvailability`) for the do-not-disturb rule
 * (main/notifications/do-not-disturb.ts), which must hold while the screen is locked too, so the
 * copy lives as long as the session. Setting is recorded before the server is asked, as recall
 * is: a change that cannot be recorded is not made, and one the server then refuses is followed
 * by a failure record with its code. The record names the account, the state and the cover by
 * id: never a reason or a note.
 */
import { appError, type ErrorCode } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import type { Availability, AvailabilityRequest } from '../../shared/protocol/availability';
import { actionEvent } from '../../shared/audit/audit-event-builder';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import type { ActionRecords } from './action-records';

/** The session's last known own availability (null: available, or not yet known). */
export interface OwnAvailability {
  current(): Availability;
  update(value: Availability): void;
}

export function createOwnAvailability(): OwnAvailability {
  let value: Availability = null;
  return {
    current: () => value,
    update(next) {
      value = next;
    },
  };
}

export interface AvailabilityDeps {
  readonly api: ApiClient;
  readonly token: () => string | null;
  readonly selfId: string;
  readonly records: ActionRecords;
  readonly own: OwnAvailability;
}

export function createAvailability(deps: AvailabilityDeps) {
  const { records } = deps;
  return {
    set: async (request: AvailabilityRequest): Promise<IpcResult<{ availability: Availability }>> => {
      const coverUserId = request.state === 'off-duty' ? (request.coverUserId ?? null) : null;
      const object = { kind: 'availability' as const, id: deps.selfId, state: request.state, coverUserId };
      const refused = await records.refusal(actionEvent({ action: 'availability.changed', object }));
      if (refused !== null) return fail(appError(refused));
      const result = await deps.api.call('setAvailability', { availability: request }, deps.token());
      if (!result.ok) {
        const code: ErrorCode =
          result.error.code === 'MALFORMED_REQUEST' ? 'BAD_REQUEST' : appCodeOf(result.error.code);
        await records.noted(actionEvent({ action: 'availability.changed', object, outcome: 'failure', reason: code }));
        return fail(appError(code, result.error.subjects));
      }
      deps.own.update(result.value.availability);
      return ok({ availability: result.value.availability });
    },

    /** As the directory shows it now (the server's clock decides expiry); kept for the notice rule. */
    read: async (): Promise<IpcResult<{ availability: Availability }>> => {
      const result = await deps.api.call('lookupKeys', { userIds: [deps.selfId] }, deps.token());
      if (!result.ok) return fail(appError(appCodeOf(result.error.code)));
      const availability = result.value.users.find((entry) => entry.user.userId === deps.selfId)?.user.availability;
      if (availability === undefined) return fail(appError('NOT_FOUND'));
      deps.own.update(availability);
      return ok({ availability });
    },
  };
}
