import { useCallback, useEffect, useId, useRef } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { MessageView } from '../../../../shared/ipc/contract';
import type { MessageReveal } from './message-reveal';
import { displayText } from '../../../../shared/text/display-text';
import { useAnnounce } from '../../components/use-announce';
import { describeError } from '../../error-messages';
import { KeyChangeWarning } from './KeyChangeWarning';
import { MessageLog } from './MessageLog';
import { NotReachedNotice } from './NotReachedNotice';
import { ReplyBox } from './ReplyBox';
import { ThreadHeader } from './ThreadHeader';
import { usePeopleAvailability } from '../../availability/use-people-availability';
import { useThread } from './use-thread';
import './thread.css';

/**
 * The open conversation: heading and participants, the key-change warning when needed, the
 * message log, and the reply box. Focus moves to the heading once the thread has loaded.
 * New incoming messages are announced by sender and priority only, never by content. A message a
 * search opened the thread for is brought into view (older pages loaded to reach it) and marked.
 */
export function ThreadView({
  bridge,
  conversationId,
  selfId,
  notReached = [],
  reveal = null,
}: {
  readonly bridge: WardlineApi;
  readonly conversationId: string;
  readonly selfId: string;
  /** Role members the message that opened this thread could not reach. */
  readonly notReached?: readonly string[];
  /** The message to bring into view (a search result). */
  readonly reveal?: MessageReveal | null;
}) {
  const announce = useAnnounce();
  const onIncoming = useCallback(
    (messages: readonly MessageView[]) => {
      const last = messages[messages.length - 1];
      if (last === undefined) return;
      const urgency =
        last.priority === 'stat' ? 'STAT message' : last.priority === 'urgent' ? 'urgent message' : 'message';
      announce(
        messages.length === 1
          ? `New ${urgency} from ${displayText(last.senderName)}`
          : `${String(messages.length)} new messages`,
      );
    },
    [announce],
  );
  const state = useThread(bridge, conversationId, onIncoming);
  const heading = useRef<HTMLHeadingElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const headingId = useId();
  const subjectId = `${headingId}-subject`;
  const loaded = state.thread !== null;
  // Asked of the directory when the thread opens (and at most once a minute after).
  const availability = usePeopleAvailability(
    bridge,
    (state.thread?.conversation.participants ?? []).map((p) => p.userId).filter((id) => id !== selfId),
  );

  // A thread opened for a search result gives focus to that message instead (MessageLog).
  const revealing = reveal !== null;
  useEffect(() => {
    if (loaded && !revealing) heading.current?.focus();
  }, [loaded, revealing]);

  // Once loaded, a revealed message not among the newest is reached by loading older pages (once
  // per request); the log shows it as soon as it is among the messages.
  const { messages, reach } = state;
  const present = reveal !== null && messages.some((message) => message.id === reveal.messageId);
  const reached = useRef<number | null>(null);
  useEffect(() => {
    if (reveal === null || !loaded || present || reached.current === reveal.request) return;
    reached.current = reveal.request;
    void reach(reveal.sentAt);
  }, [reveal, loaded, present, reach]);

  const { reload } = state;
  // The button pressed (Recall, Acknowledge) goes with what it did: focus returns to the log.
  const afterMessageAction = useCallback(() => {
    log.current?.focus();
    void reload();
  }, [reload]);

  if (state.thread === null) {
    return (
      <section className="thread" aria-label="Conversation">
        {state.error !== null ? (
          <div className="alert" role="alert">
            {describeError(state.error)}
          </div>
        ) : (
          <p className="loading" role="status">
            Opening conversation…
          </p>
        )}
      </section>
    );
  }

  const { conversation } = state.thread;
  return (
    <section
      className="thread"
      aria-labelledby={conversation.subject === null ? headingId : `${headingId} ${subjectId}`}
    >
      <ThreadHeader
        headingId={headingId}
        subjectId={subjectId}
        headingRef={heading}
        conversation={conversation}
        selfId={selfId}
        availability={availability}
      />
      <KeyChangeWarning bridge={bridge} participants={conversation.participants} onAccepted={reload} />
      <NotReachedNotice names={notReached} />
      {state.error !== null && (
        <div className="alert" role="alert">
          {describeError(state.error)}
        </div>
      )}
      <MessageLog
        bridge={bridge}
        messages={state.messages}
        more={state.more}
        loadingOlder={state.loadingOlder}
        logRef={log}
        reveal={present ? { messageId: reveal.messageId, request: reveal.request } : null}
        onLoadOlder={() => void state.loadOlder()}
        onRecalled={afterMessageAction}
        onAcknowledged={afterMessageAction}
      />
      <ReplyBox
        bridge={bridge}
        conversationId={conversation.id}
        patient={conversation.patient}
        onSent={() => void reload()}
        onKeyChanged={() => void reload()}
      />
    </section>
  );
}
