/**
 * `acknowledge`: a recipient says they have the message and are acting on it, signed over
 * `acknowledgementSignedBytes` so the server cannot acknowledge (and so quietly end an
 * escalation) on anyone's behalf. The first acknowledgement per recipient stands: a repeat,
 * a replay or a concurrent second attempt is answered with it and adds no event.
 *
 * Only a recipient may acknowledge. Anyone else (the sender included) is told `NOT_FOUND`, as
 * for a recalled, expired or missing message, so a guessed id is never confirmed to exist.
 *
 * The event goes to the sender and every recipient: in a role conversation the others see that
 * someone has taken it.
 */
import { acknowledgementSignedBytes } from '../../shared/protocol/acknowledgement';
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import { onlineTimeAcceptable } from '../../shared/protocol/clock-skew';
import { signatureValid } from '../../shared/node/crypto/ed25519';
import type { AuthenticatedSession } from '../accounts/session-store';
import { recordServed, servedEvent } from '../audit/served-events';
import { transactionOutcome } from '../db/outcome-transaction';
import { publicKeysOf } from '../directory/identity-store';
import { fail, succeed, type Outcome } from '../outcome';
import { acknowledgementOf, insertAcknowledgement } from './acknowledgement-store';
import { heldEnvelope, stillHeld } from './envelope-store';
import { cancelEscalation } from './escalation-store';
import { appendFeedEvents } from './feed-store';
import type { RelayDeps } from './send-message';

type Response = RouteResponse<'acknowledge'>;

export async function acknowledgeMessage(
  deps: RelayDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'acknowledge'>,
): Promise<Outcome<Response>> {
  const now = deps.clock();
  const userId = session.userId;
  const held = await heldEnvelope(deps.db, request.messageId, now);
  if (held === null || held.recalledAt !== null || !held.recipients.includes(userId)) return fail('NOT_FOUND');
  const earlier = await acknowledgementOf(deps.db, request.messageId, userId);
  if (earlier !== null) return succeed(answer(earlier));
  if (!onlineTimeAcceptable(request.acknowledgedAt, now)) return fail('CLOCK_SKEW');

  const signingKey = (await publicKeysOf(deps.db, [userId])).get(userId)?.signing;
  const signed = acknowledgementSignedBytes({ ...request, userId });
  if (signingKey === undefined || !(await signatureValid(signingKey, signed, request.signature)))
    return fail('SIGNATURE_INVALID');

  return transactionOutcome(deps.db, async (tx) => {
    // Locked against a recall until this commits: no acknowledgement of a message already taken back.
    if (!(await stillHeld(tx, request.messageId, now))) return fail('NOT_FOUND');
    const ack = { ...request, userId, acceptedAt: now };
    if (!(await insertAcknowledgement(tx, ack))) {
      // A concurrent attempt got there first: answer with what stands.
      const first = await acknowledgementOf(tx, request.messageId, userId);
      return first === null ? fail('NOT_FOUND') : succeed(answer(first));
    }
    // The loop is closed: no further re-alert or escalation step. Before the feeds: their locks come last.
    await cancelEscalation(tx, request.messageId, now);
    await appendFeedEvents(tx, [held.senderId, ...held.recipients], { type: 'acknowledgement', ...ack }, now);
    await recordServed(
      tx,
      servedEvent({
        at: now,
        actor: userId,
        action: 'message.acknowledged',
        object: { kind: 'message', id: request.messageId, conversationId: held.conversationId },
      }),
    );
    return succeed(answer(ack));
  });
}

const answer = (ack: { acknowledgedAt: number; reply: Response['reply']; acceptedAt: number }): Response => ({
  acknowledgedAt: ack.acknowledgedAt,
  reply: ack.reply,
  acceptedAt: ack.acceptedAt,
});
