/**
 * Accepting a contact's changed identity key. The acceptance is recorded before the new key is
 * trusted (from then on messages are sealed to it); then messages held because they were sealed
 * to the old key are sealed again to the keys now accepted, unchanged otherwise (same id, time
 * and text, read back from the sender's own sealed copy), and go out in their original order.
 */
import { appError } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { envelope as envelopeSchema } from '../../shared/protocol/envelope';
import { openEnvelope } from '../../shared/node/crypto/envelope-open';
import { sealEnvelope } from '../crypto/envelope-seal';
import type { StoreClient } from '../store/store-client';
import type { ActionRecords } from './action-records';
import type { ContactKeys } from './contact-keys';
import type { OwnKeys } from './own-keys';
import { actionEvent } from '../../shared/audit/audit-event-builder';

export interface KeyChangeAcceptanceDeps {
  readonly store: StoreClient;
  readonly contacts: ContactKeys;
  readonly ownKeys: OwnKeys;
  readonly records: ActionRecords;
  readonly onThreadChanged: (conversationId: string) => void;
  readonly onListChanged: () => void;
  /** PHI-free codes only. */
  readonly onRejected: (reason: string) => void;
  /** Held messages were sealed again: the outbox should send them now. */
  readonly onResealed: () => void;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return null;
  }
}

export function createKeyChangeAcceptance(
  deps: KeyChangeAcceptanceDeps,
): (userId: string) => Promise<IpcResult<Record<string, never>>> {
  const { store, contacts, ownKeys } = deps;

  /** Held messages whose recipients' keys are all accepted now are sealed again to those keys. */
  async function resealHeld(): Promise<void> {
    // Sealed now they would be refused (archive-sealing.ts): they stay held for a session that can send.
    if (ownKeys.sealRefusal !== null) return;
    const held = await store.call('outbox.list', { limit: 1000, held: true });
    for (const entry of held) {
      const checked = envelopeSchema.safeParse(parseJson(entry.envelope));
      if (!checked.success) continue;
      const { header } = checked.data;
      const keys = await contacts.keysForSending(header.recipients, { details: false });
      if (!keys.ok) continue;
      const own = await openEnvelope(checked.data, ownKeys.reader, ownKeys.signingPublicKey);
      if (!own.ok) {
        // Our own sealed copy no longer opens (a damaged outbox row): it stays held, and IT hears of it.
        deps.onRejected('HELD_MESSAGE_UNREADABLE');
        continue;
      }
      const resealed = await sealEnvelope({
        header,
        body: own.value,
        recipientKeys: ownKeys.sealedTo(header.recipients, (id) => keys.value.get(id)?.encryptionKey ?? ''),
        signingKey: ownKeys.signingKey,
      });
      await store.call('outbox.reseal', { id: entry.id, envelope: new TextEncoder().encode(JSON.stringify(resealed)) });
      deps.onThreadChanged(entry.conversationId);
    }
    deps.onResealed();
  }

  return async (userId) => {
    const object = { kind: 'account' as const, id: userId };
    const notFound = async () => {
      await deps.records.noted(
        actionEvent({ action: 'key-change.accepted', object, outcome: 'failure', reason: 'NOT_FOUND' }),
      );
      return fail(appError('NOT_FOUND'));
    };
    if (!(await contacts.hasPendingChange(userId))) return notFound();
    const refused = await deps.records.refusal(actionEvent({ action: 'key-change.accepted', object }));
    if (refused !== null) return fail(appError(refused));
    // Accepted meanwhile by another call: the record above is followed by its real outcome.
    if (!(await contacts.accept(userId))) return notFound();
    await resealHeld();
    deps.onListChanged();
    return ok({});
  };
}
