/**
 * A user's feed: every event for one user, in one order, with one cursor. The same events are
 * pushed over the WebSocket and fetched with `/v1/feed` after a reconnect, so a workstation
 * that was offline catches up by asking for everything after the last sequence it stored.
 *
 * Times a sender signed (an envelope's `sentAt`, a recall's `recalledAt`, an acknowledgement's) are the sender's clock;
 * `acceptedAt` beside them is the server's, and is what clients order by (clock-skew.ts).
 */
import { z } from 'zod';
import { quickReply } from './acknowledgement';
import { signature } from './binary';
import { envelope } from './envelope';
import { epochMs, messageId, userId } from './identifiers';

const seq = z.number().int().positive();

export const feedEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('envelope'), seq, envelope, acceptedAt: epochMs }),
  /** `userId` delivered or read `messageId` (sent to the sender and to that user's other devices). */
  z.strictObject({
    type: z.literal('receipt'),
    seq,
    messageId,
    userId,
    kind: z.enum(['delivered', 'read']),
    at: epochMs,
  }),
  /**
   * The sender recalled it; clients verify the signature (over the sender's `recalledAt`) and hide
   * the message. `acceptedAt` is the server's clock when it took the recall.
   */
  z.strictObject({
    type: z.literal('recall'),
    seq,
    messageId,
    senderId: userId,
    recalledAt: epochMs,
    signature,
    acceptedAt: epochMs,
  }),
  /**
   * `userId` acknowledged the message, signed over `acknowledgementSignedBytes` (acknowledgement.ts);
   * sent to the sender and to every recipient, so a role's other members see it was taken.
   */
  z.strictObject({
    type: z.literal('acknowledgement'),
    seq,
    messageId,
    userId,
    reply: quickReply.nullable(),
    acknowledgedAt: epochMs,
    signature,
    acceptedAt: epochMs,
  }),
  /**
   * Nobody has acknowledged a STAT message when its plan said to act: `step` is the index of the
   * plan step now released (its people receive the envelope too), or null for a re-alert of those
   * already reached. Only an index: who it reaches is read from the signed plan, never from the
   * server (escalation.ts). `at` is the server's time of it.
   */
  z.strictObject({
    type: z.literal('escalation'),
    seq,
    messageId,
    step: z.number().int().min(0).max(2).nullable(),
    at: epochMs,
  }),
]);
export type FeedEvent = z.infer<typeof feedEvent>;
