/**
 * Feed events that change a message the vault already holds: a recall, verified against the
 * sender's key, removes the body; an acknowledgement, verified against the acknowledging
 * person's key, is recorded with the message; an escalation records what the server says a
 * STAT message's plan did. Each is handled on its own, after everything before it is stored.
 */
import type { FeedEvent } from '../../shared/protocol/feed';
import { verifyAcknowledgement } from '../crypto/acknowledgement-signature';
import { verifyRecall } from '../../shared/node/crypto/recall-signature';
import type { StoreClient } from '../store/store-client';
import type { ContactKeys } from './contact-keys';

export type MessageUpdate = Extract<FeedEvent, { type: 'recall' | 'acknowledgement' | 'escalation' }>;

export interface MessageUpdateDeps {
  readonly store: StoreClient;
  readonly contacts: Pick<ContactKeys, 'signingKeyFor'>;
  readonly self: { readonly userId: string; readonly signingPublicKey: string };
  readonly onThreadChanged: (conversationId: string) => void;
  readonly onListChanged: () => void;
  /** Something was refused (bad signature, unknown step): a code for the log, never content. */
  readonly onRejected: (reason: string) => void;
  /** A stored message carries attachments to fetch, or a recall let some go. */
  readonly onAttachments?: () => void;
  /**
   * A STAT message to this clinician is re-alerted and still waits for their acknowledgement:
   * how many incoming messages wait, for a PHI-free notice.
   */
  readonly onAwaitingAcknowledgement?: (count: number) => void;
}

export function createMessageUpdates(deps: MessageUpdateDeps): (event: MessageUpdate) => Promise<void> {
  async function onRecall(event: Extract<FeedEvent, { type: 'recall' }>): Promise<void> {
    const key =
      event.senderId === deps.self.userId
        ? deps.self.signingPublicKey
        : (await deps.contacts.signingKeyFor(event.senderId))?.pinned;
    const message = await deps.store.call('message.find', { id: event.messageId });
    if (key === undefined || message === null || message.senderId !== event.senderId) return;
    const input = { messageId: event.messageId, senderId: event.senderId, recalledAt: event.recalledAt };
    if (!(await verifyRecall(input, event.signature, key))) {
      deps.onRejected('RECALL_REJECTED');
      return;
    }
    if (await deps.store.call('message.recall', { id: event.messageId, recalledAt: event.acceptedAt })) {
      // Its attachments' files were let go with their keys: unlinked now.
      deps.onAttachments?.();
      deps.onThreadChanged(message.conversationId);
      deps.onListChanged();
    }
  }

  /**
   * An acknowledgement counts only if signed by someone the message went to (never its sender),
   * with that person's pinned key: the server cannot close the loop on anyone's behalf.
   */
  async function onAcknowledgement(event: Extract<FeedEvent, { type: 'acknowledgement' }>): Promise<void> {
    const message = await deps.store.call('message.find', { id: event.messageId });
    if (message === null || message.senderId === event.userId) return;
    const conversation = await deps.store.call('conversation.get', { id: message.conversationId });
    if (conversation === null || !conversation.participants.some((p) => p.userId === event.userId)) return;
    const key =
      event.userId === deps.self.userId
        ? deps.self.signingPublicKey
        : (await deps.contacts.signingKeyFor(event.userId))?.pinned;
    const input = {
      messageId: event.messageId,
      userId: event.userId,
      acknowledgedAt: event.acknowledgedAt,
      reply: event.reply,
    };
    if (key === undefined || !(await verifyAcknowledgement(input, event.signature, key))) {
      deps.onRejected('ACKNOWLEDGEMENT_REJECTED');
      return;
    }
    await deps.store.call('acknowledgement.record', {
      messageId: event.messageId,
      userId: event.userId,
      reply: event.reply,
      at: event.acceptedAt,
    });
    deps.onThreadChanged(message.conversationId);
    deps.onListChanged();
  }

  /**
   * The server says a STAT message's plan acted: a step was released (its people are read from
   * the signed plan: a step the plan does not have is refused) or those reached are re-alerted.
   * A re-alert of a message still waiting on this clinician raises a notice.
   */
  async function onEscalation(event: Extract<FeedEvent, { type: 'escalation' }>): Promise<void> {
    const message = await deps.store.call('message.find', { id: event.messageId });
    if (message === null) return;
    if (
      message.escalation === null ||
      (event.step !== null && message.escalation.plan.steps[event.step] === undefined)
    ) {
      deps.onRejected('ESCALATION_REJECTED');
      return;
    }
    await deps.store.call('escalation.record', { messageId: event.messageId, step: event.step, at: event.at });
    deps.onThreadChanged(message.conversationId);
    const waitsOnMe =
      message.direction === 'in' &&
      message.body !== null &&
      message.acknowledgements.length === 0 &&
      event.step === null;
    if (waitsOnMe) deps.onAwaitingAcknowledgement?.(await deps.store.call('message.awaitingAcknowledgement', {}));
  }

  return async (event) => {
    switch (event.type) {
      case 'recall':
        return onRecall(event);
      case 'acknowledgement':
        return onAcknowledgement(event);
      case 'escalation':
        return onEscalation(event);
    }
  };
}
