import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { MessageView } from '../../../../shared/ipc/contract';
import { useNow } from '../use-now';
import { MessageItem } from './MessageItem';

/** How close to the bottom still counts as "reading the latest" (px). */
const STICK_PX = 96;
/** How long a message a search opened stays marked. */
const REVEAL_MS = 4000;

/**
 * The messages as a `log` region named "Messages". Its implicit live announcements are turned
 * off (`aria-live="off"`): a screen reader would otherwise read every new message body aloud on
 * a shared ward workstation. The thread announces new messages itself, PHI-light.
 * It opens at the newest message and follows new ones while the reader is at the bottom, or at
 * the message a search asked for (`reveal`): scrolled to the middle, focused and marked a moment.
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
  reveal,
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
  /** A message to bring into view, among `messages`; `request` counts the asks. */
  readonly reveal: { readonly messageId: string; readonly request: number } | null;
}) {
  const now = useNow();
  const atBottom = useRef(true);
  const newestId = messages[messages.length - 1]?.id;
  const [marked, setMarked] = useState<string | null>(null);
  const revealId = reveal?.messageId ?? null;
  const revealRequest = reveal?.request ?? null;

  useLayoutEffect(() => {
    const element = logRef.current;
    if (element !== null && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [logRef, newestId]);

  // After the scroll to the newest (above): the revealed message wins, and the log stops
  // following the newest until the reader scrolls back down.
  useLayoutEffect(() => {
    if (revealId === null) return;
    const element = logRef.current?.querySelector(`[data-message-id="${CSS.escape(revealId)}"]`);
    if (!(element instanceof HTMLElement)) return;
    atBottom.current = false;
    element.scrollIntoView({ block: 'center' });
    element.focus({ preventScroll: true });
    setMarked(revealId);
    const timer = window.setTimeout(() => setMarked(null), REVEAL_MS);
    return () => window.clearTimeout(timer);
  }, [logRef, revealId, revealRequest]);

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
              revealed={message.id === revealId}
              marked={message.id === marked}
            />
          ))}
        </ol>
      )}
    </div>
  );
}
