import { useLayoutEffect, useRef, type RefObject } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { MessageView } from '../../../../shared/ipc/contract';
import { useNow } from '../use-now';
import { MessageItem } from './MessageItem';

/** How close to the bottom still counts as "reading the latest" (px). */
const STICK_PX = 96;

/**
 * The messages as a `log` region named "Messages". Its implicit live announcements are turned
 * off (`aria-live="off"`): a screen reader would otherwise read every new message body aloud on
 * a shared ward workstation. The thread announces new messages itself, PHI-light.
 * It opens at the newest message and follows new ones while the reader is at the bottom.
 */
export function MessageLog({
  bridge,
  messages,
  more,
  loadingOlder,
  logRef,
  onLoadOlder,
  onRecalled,
  onAcknowledged,
}: {
  readonly bridge: WardlineApi;
  readonly messages: readonly MessageView[];
  readonly more: boolean;
  readonly loadingOlder: boolean;
  /** The log element, which is also the scroll container (focusable, so arrow keys scroll it). */
  readonly logRef: RefObject<HTMLDivElement | null>;
  readonly onLoadOlder: () => void;
  readonly onRecalled: () => void;
  readonly onAcknowledged: () => void;
}) {
  const now = useNow();
  const atBottom = useRef(true);
  const newestId = messages[messages.length - 1]?.id;

  useLayoutEffect(() => {
    const element = logRef.current;
    if (element !== null && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [logRef, newestId]);

  // The reply box growing as a reply is typed (or a warning appearing) shrinks the log without
  // a scroll event: a reader at the newest message stays there instead of losing it below.
  useLayoutEffect(() => {
    const element = logRef.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [logRef]);

  return (
    <div
      ref={logRef}
      role="log"
      aria-label="Messages"
      aria-live="off"
      tabIndex={0}
      className="message-log"
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < STICK_PX;
      }}
    >
      {more && (
        <div className="load-older">
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={loadingOlder}
            onClick={onLoadOlder}
          >
            {loadingOlder ? 'Loading…' : 'Show earlier messages'}
          </button>
        </div>
      )}
      {messages.length === 0 ? (
        <p className="log-empty">No messages on this workstation yet.</p>
      ) : (
        <ol className="messages">
          {messages.map((message) => (
            <MessageItem
              key={message.id}
              bridge={bridge}
              message={message}
              now={now}
              onRecalled={onRecalled}
              onAcknowledged={onAcknowledged}
            />
          ))}
        </ol>
      )}
    </div>
  );
}
