/**
 * Acknowledgement: "I have this and I am acting on it", distinct from "read". Urgent and STAT
 * messages always ask for one; a routine message asks when its sender ticked "needs
 * acknowledgement" (a flag inside the sealed body, so the server learns it only for the
 * priorities its header already shows).
 *
 * An acknowledgement is signed by the recipient's identity key over `acknowledgementSignedBytes`,
 * like a recall, so the server cannot acknowledge on anyone's behalf (and so cannot stop an
 * escalation by pretending someone took the message). A quick reply travels as one of a fixed
 * set of codes: the server sees which, never words anyone typed.
 */
import { z } from 'zod';
import type { Priority } from './envelope';

export const QUICK_REPLIES = ['on-my-way', 'call-me', 'seen-will-review'] as const;
export const quickReply = z.enum(QUICK_REPLIES);
export type QuickReply = z.infer<typeof quickReply>;

export interface AcknowledgementInput {
  readonly messageId: string;
  readonly userId: string;
  readonly acknowledgedAt: number;
  readonly reply: QuickReply | null;
}

/** What the acknowledging recipient signs. */
export function acknowledgementSignedBytes(input: AcknowledgementInput): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify(['wardline/acknowledgement/v1', input.messageId, input.userId, input.acknowledgedAt, input.reply]),
  );
}

/** Whether a message asks its recipients to acknowledge it. */
export function asksForAcknowledgement(priority: Priority, requested: boolean): boolean {
  return priority !== 'routine' || requested;
}
