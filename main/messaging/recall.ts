/**
 * Recalling a message the clinician sent. The recall is recorded before anything is recalled:
 * the server's recall cannot be undone, so recording after its yes could leave a recall done but
 * unrecorded with no way left to refuse it. One that cannot be recorded is not attempted; one
 * that then fails is followed by a failure record with its code, so the trail shows the attempt
 * and its outcome. A message still in the outbox is simply taken out of it.
 */
import { appError, type ErrorCode } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { signRecall } from '../../shared/node/crypto/recall-signature';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import type { StoreClient } from '../store/store-client';
import { patientsOf, type ActionRecords } from './action-records';
import type { OwnKeys } from './own-keys';
import { actionEvent } from '../../shared/audit/audit-event-builder';

export interface RecallDeps {
  readonly api: ApiClient;
  readonly store: StoreClient;
  readonly token: () => string | null;
  readonly selfId: string;
  readonly ownKeys: Pick<OwnKeys, 'signingKey'>;
  readonly records: ActionRecords;
  readonly now: () => number;
  readonly onThreadChanged: (conversationId: string) => void;
  readonly onListChanged: () => void;
}

export function createRecall(deps: RecallDeps): (messageId: string) => Promise<IpcResult<Record<string, never>>> {
  const { store, records } = deps;
  return async (messageId) => {
    const message = await store.call('message.find', { id: messageId });
    if (message === null) return fail(appError('NOT_FOUND'));
    if (message.senderId !== deps.selfId || message.recalledAt !== null) return fail(appError('RECALL_NOT_ALLOWED'));
    const recalledAt = deps.now();
    const object = { kind: 'message' as const, id: messageId, conversationId: message.conversationId };
    const patient = (await patientsOf(store, [message.conversationId])).get(message.conversationId) ?? null;
    const refused = await records.refusal(actionEvent({ action: 'message.recalled', object, patient }));
    if (refused !== null) return fail(appError(refused));
    if (message.sendState === 'pending') {
      // Never left this workstation: recalling it is removing it from the outbox.
      await store.call('outbox.rejected', { id: messageId });
    } else {
      const signature = await signRecall({ messageId, senderId: deps.selfId, recalledAt }, deps.ownKeys.signingKey);
      const result = await deps.api.call('recall', { messageId, recalledAt, signature }, deps.token());
      if (!result.ok) {
        const code: ErrorCode = result.error.code === 'FORBIDDEN' ? 'RECALL_NOT_ALLOWED' : appCodeOf(result.error.code);
        await records.noted(
          actionEvent({ action: 'message.recalled', object, patient, outcome: 'failure', reason: code }),
        );
        return fail(appError(code));
      }
    }
    await store.call('message.recall', { id: messageId, recalledAt });
    deps.onThreadChanged(message.conversationId);
    deps.onListChanged();
    return ok({});
  };
}
