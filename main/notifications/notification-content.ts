/**
 * What an OS notification may say, decided in one place from policy. Never message text; the
 * sender's name only when policy allows it and the screen is not locked (whoever stands at a
 * locked workstation must not learn who writes to whom). The title is always the app's name:
 * titles show in task switchers and notification histories.
 */
import type { NotificationContent } from '../../shared/policy/policy-schema';

export interface Notice {
  readonly title: 'Wardline';
  readonly body: string;
}

export interface NoticeFacts {
  readonly content: NotificationContent;
  readonly locked: boolean;
  /** New messages since the clinician last looked (this one included). */
  readonly unseen: number;
  /** The sender's display name, when known. */
  readonly senderName: string | null;
}

export function noticeFor(facts: NoticeFacts): Notice {
  if (facts.content === 'sender' && !facts.locked && facts.senderName !== null && facts.unseen === 1) {
    return { title: 'Wardline', body: `New secure message from ${facts.senderName.slice(0, 80)}` };
  }
  return {
    title: 'Wardline',
    body: facts.unseen <= 1 ? 'New secure message' : `${String(Math.min(facts.unseen, 999))} new secure messages`,
  };
}

/**
 * A re-alert of an unacknowledged STAT message: that urgent messages wait, and how many, never
 * who sent them (it may show on a locked or shared screen) and never what they say.
 */
export function awaitingNoticeFor(count: number): Notice {
  return {
    title: 'Wardline',
    body:
      count <= 1
        ? 'Urgent secure message awaiting your acknowledgement'
        : `${String(Math.min(count, 999))} urgent secure messages awaiting your acknowledgement`,
  };
}
