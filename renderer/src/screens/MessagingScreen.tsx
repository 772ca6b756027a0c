import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import { ComposePanel } from '../messaging/compose/ComposePanel';
import { ConversationList } from '../messaging/conversations/ConversationList';
import { EmptyPane } from '../messaging/EmptyPane';
import type { MessageReveal } from '../messaging/thread/message-reveal';
import { ThreadView } from '../messaging/thread/ThreadView';
import '../messaging/messaging.css';

type Pane =
  | { readonly kind: 'empty' }
  /**
   * `notReached`: who the message that opened it could not reach (named once, on opening).
   * `reveal`: the message to bring into view, when a search opened it.
   */
  | {
      readonly kind: 'thread';
      readonly id: string;
      readonly notReached: readonly string[];
      readonly reveal?: MessageReveal;
    }
  | { readonly kind: 'compose' };

/**
 * The messaging workspace: the conversation list on the left, and on the right either the open
 * thread or the compose form. Focus follows the clinician: into the thread when one is opened,
 * into compose when it opens, and back to `New message` when compose closes.
 */
export function MessagingScreen({
  bridge,
  selfId,
  reveal,
}: {
  readonly bridge: WardlineApi;
  readonly selfId: string;
  readonly reveal: MessageReveal | null;
}) {
  const [pane, setPane] = useState<Pane>({ kind: 'empty' });
  // A search result chosen (now, or just before this screen came back from Settings): its thread
  // opens, or stays open, and shows the message.
  const [shownReveal, setShownReveal] = useState<MessageReveal | null>(null);
  if (reveal !== shownReveal) {
    setShownReveal(reveal);
    if (reveal !== null) setPane({ kind: 'thread', id: reveal.conversationId, notReached: [], reveal });
  }
  const newMessageButton = useRef<HTMLButtonElement>(null);
  const openId = pane.kind === 'thread' ? pane.id : null;

  const openConversation = useCallback((id: string) => setPane({ kind: 'thread', id, notReached: [] }), []);
  const openSent = useCallback(
    (id: string, notReached: readonly string[]) => setPane({ kind: 'thread', id, notReached }),
    [],
  );
  const returnFocus = useRef<HTMLElement | null>(null);
  const closeCompose = useCallback(() => {
    returnFocus.current = newMessageButton.current;
    setPane({ kind: 'empty' });
  }, []);
  const backToList = useCallback(() => {
    returnFocus.current = document.getElementById('conversation-listbox');
    setPane({ kind: 'empty' });
  }, []);
  useEffect(() => {
    // After React has removed the form, so focus does not land on a vanishing element.
    if (pane.kind === 'empty') returnFocus.current?.focus();
    returnFocus.current = null;
  }, [pane]);

  return (
    // On narrow windows (or zoomed in) only one side shows: the list, or what is open.
    <div className="workspace" data-pane={pane.kind === 'empty' ? 'closed' : 'open'}>
      <section className="sidebar" aria-labelledby="conversations-heading">
        <div className="sidebar-head">
          <h1 id="conversations-heading">Conversations</h1>
          <button
            ref={newMessageButton}
            type="button"
            className="button button-primary"
            aria-expanded={pane.kind === 'compose'}
            onClick={() => setPane({ kind: 'compose' })}
          >
            New message
          </button>
        </div>
        <ConversationList
          bridge={bridge}
          id="conversation-listbox"
          labelledBy="conversations-heading"
          openId={openId}
          onOpen={openConversation}
        />
      </section>
      <div className="pane">
        {pane.kind !== 'empty' && (
          <button type="button" className="button button-secondary button-small back-to-list" onClick={backToList}>
            <span aria-hidden="true">←</span>
            Back to conversations
          </button>
        )}
        {pane.kind === 'compose' ? (
          <ComposePanel bridge={bridge} selfId={selfId} onClose={closeCompose} onSent={openSent} />
        ) : pane.kind === 'thread' ? (
          <ThreadView
            key={pane.id}
            bridge={bridge}
            conversationId={pane.id}
            selfId={selfId}
            notReached={pane.notReached}
            reveal={pane.reveal ?? null}
          />
        ) : (
          <EmptyPane />
        )}
      </div>
    </div>
  );
}
