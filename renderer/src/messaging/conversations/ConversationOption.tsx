import type { CSSProperties, Ref } from 'react';
import type { ConversationSummary } from '../../../../shared/ipc/contract';
import { ShownText } from '../../components/ShownText';
import { listTime } from '../message/message-time';
import { Subject } from '../thread/Subject';
import { PriorityMarker } from '../message/PriorityMarker';
import { listAcknowledgement } from '../message/acknowledgement-label';
import { HourglassIcon } from '../message/AcknowledgementStatus';

/**
 * One row of the conversation listbox: who it is with, time, the subject (marked as one), unread
 * count, an Urgent/STAT marker for unread priority messages, and what waits on acknowledgement. A row whose page has not arrived yet is a quiet placeholder.
 */
export function ConversationOption({
  id,
  index,
  setSize,
  conversation,
  selected,
  active,
  now,
  measureRef,
  style,
  onPick,
}: {
  readonly id: string;
  readonly index: number;
  readonly setSize: number;
  readonly conversation: ConversationSummary | undefined;
  readonly selected: boolean;
  readonly active: boolean;
  readonly now: number;
  readonly measureRef: Ref<HTMLDivElement>;
  readonly style: CSSProperties;
  readonly onPick: (index: number) => void;
}) {
  const common = {
    id,
    ref: measureRef,
    role: 'option',
    'data-index': index,
    'aria-setsize': setSize,
    'aria-posinset': index + 1,
    'data-active': active || undefined,
    style,
  } as const;

  if (conversation === undefined) {
    return (
      <div {...common} className="conversation conversation-loading" aria-selected={false} aria-disabled>
        Loading…
      </div>
    );
  }
  const unread = conversation.unreadCount > 0;
  const acknowledgement = listAcknowledgement(conversation);
  return (
    <div
      {...common}
      className="conversation"
      aria-selected={selected}
      data-unread={unread || undefined}
      data-priority={unread ? (conversation.unreadPriority ?? undefined) : undefined}
      data-awaiting={conversation.awaitingAcknowledgement.incoming > 0 || undefined}
      onClick={() => onPick(index)}
    >
      <span className="conversation-top">
        <ShownText text={conversation.label} className="conversation-label" />
        {conversation.lastMessageAt !== null && (
          <time className="conversation-time" dateTime={new Date(conversation.lastMessageAt).toISOString()}>
            <span className="visually-hidden">, </span>
            {listTime(conversation.lastMessageAt, now)}
          </time>
        )}
      </span>
      {conversation.subject !== null && <Subject text={conversation.subject} className="conversation-subject" />}
      <span className="conversation-bottom">
        {unread && <PriorityMarker priority={conversation.unreadPriority} />}
        {unread && (
          <span className="unread-count">
            <span className="visually-hidden">, </span>
            {conversation.unreadCount} unread
          </span>
        )}
        {acknowledgement !== null && (
          <span
            className="list-acknowledgement"
            data-tone={conversation.awaitingAcknowledgement.incoming > 0 ? 'to-do' : 'waiting'}
          >
            <span className="visually-hidden">, </span>
            <HourglassIcon />
            {acknowledgement}
          </span>
        )}
      </span>
    </div>
  );
}
