/**
 * How acknowledgement reads on screen: the quick replies' words, and the one line a message
 * shows about it ("Acknowledged by Dr. Nguyen: On my way, 21:34", or what it still waits for).
 * Pure, so the wording is tested without a browser.
 */
import type { ConversationSummary, MessageView } from '../../../../shared/ipc/contract';
import { QUICK_REPLIES, type QuickReply } from '../../../../shared/protocol/acknowledgement';

const REPLY_WORDS: Readonly<Record<QuickReply, string>> = {
  'on-my-way': 'On my way',
  'call-me': 'Call me',
  'seen-will-review': 'Seen, will review',
};

export const QUICK_REPLY_OPTIONS = QUICK_REPLIES.map((reply) => ({ reply, label: REPLY_WORDS[reply] }));

export type AcknowledgementTone = 'awaiting' | 'done';

export interface AcknowledgementLine {
  readonly text: string;
  readonly tone: AcknowledgementTone;
}

type Facts = Pick<MessageView, 'direction' | 'text' | 'acknowledgement'>;

/** The line under a message that asks for acknowledgement; null for one that does not, or has gone. */
export function acknowledgementLine(message: Facts, time: (at: number) => string): AcknowledgementLine | null {
  const { requested, by } = message.acknowledgement;
  if (by.length > 0) {
    const who = by.map(
      (ack) => `${ack.name}${ack.reply === null ? '' : `: ${REPLY_WORDS[ack.reply]}`}, ${time(ack.at)}`,
    );
    return { text: `Acknowledged by ${who.join('; ')}`, tone: 'done' };
  }
  if (!requested || message.text === null) return null;
  return {
    text: message.direction === 'out' ? 'Awaiting acknowledgement' : 'Acknowledgement requested',
    tone: 'awaiting',
  };
}

/** Whether the message still waits for someone to acknowledge it (it keeps its alarm until then). */
export function awaitingAcknowledgement(message: Facts): boolean {
  return message.acknowledgement.requested && message.acknowledgement.by.length === 0 && message.text !== null;
}

/** The conversation list's word for what waits on acknowledgement; null when nothing does. */
export function listAcknowledgement(summary: Pick<ConversationSummary, 'awaitingAcknowledgement'>): string | null {
  const { incoming, outgoing } = summary.awaitingAcknowledgement;
  if (incoming > 0) return `${String(incoming)} to acknowledge`;
  if (outgoing > 0) return outgoing === 1 ? 'Awaiting acknowledgement' : `${String(outgoing)} awaiting acknowledgement`;
  return null;
}
