/**
 * How messaging records what the clinician does and receives. An action the clinician asks for
 * (send, open, recall, accept a key) is refused when it cannot be recorded; what happens anyway
 * (a body expiring, a key-change warning shown) is recorded as well as it can be, and a failure
 * is logged by code. Records about messages name the patient their conversation is about.
 */
import type { ErrorCode } from '../../shared/errors';
import type { ActionEvent } from '../../shared/audit/audit-event-builder';
import type { ActorAudit } from '../audit/audit-trail';
import { AuditError } from '../audit/device-audit-log';
import type { StoreClient } from '../store/store-client';

export interface ActionRecords {
  /** Records an action asked for: null once it is durable, else the code to refuse the action with. */
  refusal(event: ActionEvent): Promise<ErrorCode | null>;
  /** The first refusal among records written together (one group commit), or null. */
  refusals(events: readonly ActionEvent[]): Promise<ErrorCode | null>;
  /**
   * For what happens whether or not it can be recorded: awaited, so it is durable before the
   * effect is reported; a failure is logged by code.
   */
  noted(event: ActionEvent): Promise<void>;
}

/** The code an action is refused with when its record failed (a full disk is said as such: nothing was lost). */
export function refusalOf(error: unknown): ErrorCode {
  return error instanceof AuditError && error.code === 'AUDIT_DISK_FULL' ? 'DISK_FULL' : 'AUDIT_UNAVAILABLE';
}

export function createActionRecords(deps: {
  readonly audit: ActorAudit;
  /** PHI-free codes only. */
  readonly onRejected: (reason: string) => void;
}): ActionRecords {
  const refusal = (event: ActionEvent): Promise<ErrorCode | null> => deps.audit(event).then(() => null, refusalOf);
  return {
    refusal,
    refusals: async (events) => (await Promise.all(events.map(refusal))).find((code) => code !== null) ?? null,
    noted: (event) =>
      deps
        .audit(event)
        .catch((error: unknown) => deps.onRejected(error instanceof AuditError ? error.code : 'AUDIT_UNAVAILABLE')),
  };
}

/** The patient reference of each conversation named, for the records about its messages. */
export async function patientsOf(
  store: StoreClient,
  conversationIds: Iterable<string>,
): Promise<Map<string, string | null>> {
  const patients = new Map<string, string | null>();
  for (const id of new Set(conversationIds))
    patients.set(id, (await store.call('conversation.get', { id }))?.patient?.ref ?? null);
  return patients;
}
