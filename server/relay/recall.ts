/**
 * `recall`: the sender takes a message back, signed over `recallSignedBytes` so the server
 * cannot recall on anyone's behalf. The ciphertext is deleted for everyone. Recipients who had
 * not received it (no delivered or read receipt) simply never will: their envelope events go.
 * Recipients who had, and the sender's own devices, get a `recall` event and hide it.
 *
 * Its attachment blobs are deleted in the same transaction, chunks and all: nobody can fetch
 * them any more, whatever they kept of the message.
 *
 * The envelope's row stays as a header-only tombstone (recalledAt, the recall signature) so a
 * resend of the same id is a duplicate, never a resurrection; `history` leaves it out.
 *
 * Only the sender may recall, and anyone else is told `NOT_FOUND`, as for an id that does not
 * exist: a refusal that said "not yours" would confirm that a guessed message id is real.
 */
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import { onlineTimeAcceptable } from '../../shared/protocol/clock-skew';
import { recallSignedBytes } from '../../shared/protocol/envelope';
import type { AuthenticatedSession } from '../accounts/session-store';
import { signatureValid } from '../../shared/node/crypto/ed25519';
import { transactionOutcome } from '../db/outcome-transaction';
import { publicKeysOf } from '../directory/identity-store';
import { fail, succeed, type Outcome } from '../outcome';
import { heldEnvelope, recallEnvelope, recalledAtOf } from './envelope-store';
import { cancelEscalation } from './escalation-store';
import { appendFeedEvents, deleteEnvelopeEvents } from './feed-store';
import { receiptSenders } from './receipt-store';
import { deleteMessageBlobs } from '../blobs/blob-store';
import type { RelayDeps } from './send-message';

export async function recallMessage(
  deps: RelayDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'recall'>,
): Promise<Outcome<RouteResponse<'recall'>>> {
  const now = deps.clock();
  const held = await heldEnvelope(deps.db, request.messageId, now);
  // Someone else's message is answered exactly as a missing one, so no id is confirmed to exist.
  if (held === null || held.senderId !== session.userId) return fail('NOT_FOUND');
  if (held.recalledAt !== null) return succeed({ recalledAt: held.recalledAt });
  // The signed time is the sender's; the server's own is each recall event's (feed-store.ts).
  if (!onlineTimeAcceptable(request.recalledAt, now)) return fail('CLOCK_SKEW');

  const signingKey = (await publicKeysOf(deps.db, [session.userId])).get(session.userId)?.signing;
  const signed = recallSignedBytes({
    messageId: request.messageId,
    senderId: session.userId,
    recalledAt: request.recalledAt,
  });
  if (signingKey === undefined || !(await signatureValid(signingKey, signed, request.signature)))
    return fail('SIGNATURE_INVALID');

  return transactionOutcome(deps.db, async (tx) => {
    const recalled = await recallEnvelope(tx, {
      messageId: request.messageId,
      recalledAt: request.recalledAt,
      signature: request.signature,
    });
    if (!recalled) {
      // A concurrent recall (or the sweeper) got there first: answer with what stands.
      const recalledAt = await recalledAtOf(tx, request.messageId);
      return recalledAt === null ? fail('NOT_FOUND') : succeed({ recalledAt });
    }
    await deleteEnvelopeEvents(tx, request.messageId);
    await deleteMessageBlobs(tx, request.messageId);
    await cancelEscalation(tx, request.messageId, now);
    const audience = [session.userId, ...(await receiptSenders(tx, request.messageId))];
    await appendFeedEvents(
      tx,
      audience,
      {
        type: 'recall',
        messageId: request.messageId,
        senderId: session.userId,
        recalledAt: request.recalledAt,
        signature: request.signature,
      },
      now,
    );
    return succeed({ recalledAt: request.recalledAt });
  });
}
