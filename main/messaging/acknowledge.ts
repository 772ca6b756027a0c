/**
 * Acknowledging a message that asks for it: recorded on the trail first (as a recall is), then
 * signed and sent; the server's acceptance time is what the thread shows. Acknowledging twice is
 * answered with the first, as the server does. A message that has gone (recalled, expired), one
 * of the clinician's own, or one that asks for nothing cannot be acknowledged.
 */
import { appError, type ErrorCode } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import type { QuickReply } from '../../shared/protocol/acknowledgement';
import { actionEvent } from '../../shared/audit/audit-event-builder';
import { signAcknowledgement } from '../crypto/acknowledgement-signature';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import type { StoreClient } from '../store/store-client';
import { patientsOf, type ActionRecords } from './action-records';
import type { OwnKeys } from './own-keys';

export interface AcknowledgeDeps {
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

export type Acknowledge = (request: {
  messageId: string;
  reply: QuickReply | null;
}) => Promise<IpcResult<{ acknowledgedAt: number }>>;

export function createAcknowledge(deps: AcknowledgeDeps): Acknowledge {
  const { store, records } = deps;
  // One acknowledgement per message at a time: a second press (or a second window) while the first
  // is on its way shares its answer, so the trail holds one record, not one per press.
  const inFlight = new Map<string, ReturnType<Acknowledge>>();
  return (request) => {
    const running = inFlight.get(request.messageId);
    if (running !== undefined) return running;
    const started = acknowledge(request).finally(() => inFlight.delete(request.messageId));
    inFlight.set(request.messageId, started);
    return started;
  };

  async function acknowledge({ messageId, reply }: Parameters<Acknowledge>[0]): ReturnType<Acknowledge> {
    const message = await store.call('message.find', { id: messageId });
    if (message === null) return fail(appError('NOT_FOUND'));
    const earlier = message.acknowledgements.find((ack) => ack.userId === deps.selfId);
    if (earlier !== undefined) return ok({ acknowledgedAt: earlier.at });
    const gone = message.body === null || (message.expiresAt !== null && message.expiresAt <= deps.now());
    if (message.direction !== 'in' || !message.ackRequested || gone)
      return fail(appError('ACKNOWLEDGEMENT_NOT_ALLOWED'));

    const object = { kind: 'message' as const, id: messageId, conversationId: message.conversationId };
    const patient = (await patientsOf(store, [message.conversationId])).get(message.conversationId) ?? null;
    const refused = await records.refusal(actionEvent({ action: 'message.acknowledged', object, patient }));
    if (refused !== null) return fail(appError(refused));

    const acknowledgedAt = deps.now();
    const signature = await signAcknowledgement(
      { messageId, userId: deps.selfId, acknowledgedAt, reply },
      deps.ownKeys.signingKey,
    );
    const result = await deps.api.call('acknowledge', { messageId, acknowledgedAt, reply, signature }, deps.token());
    if (!result.ok) {
      const code: ErrorCode =
        result.error.code === 'NOT_FOUND' ? 'ACKNOWLEDGEMENT_NOT_ALLOWED' : appCodeOf(result.error.code);
      await records.noted(
        actionEvent({ action: 'message.acknowledged', object, patient, outcome: 'failure', reason: code }),
      );
      return fail(appError(code));
    }
    // The server's answer stands (a repeat from another workstation answers the first one's values).
    await store.call('acknowledgement.record', {
      messageId,
      userId: deps.selfId,
      reply: result.value.reply,
      at: result.value.acceptedAt,
    });
    deps.onThreadChanged(message.conversationId);
    deps.onListChanged();
    return ok({ acknowledgedAt: result.value.acceptedAt });
  }
}
