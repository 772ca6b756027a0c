/**
 * One open conversation: opened through `conversation.open` (which also marks it read), asked
 * again on every `thread.changed` for its id, and extended backwards with `loadOlder`. New
 * incoming messages are handed to `onIncoming` so the screen can announce them; `reach` loads
 * older pages until a message sent at a given time is among them (a search result). The owning
 * component is keyed by conversation id, so nothing leaks from one thread to the next.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { AppError } from '../../../../shared/errors';
import type { MessageView, Thread } from '../../../../shared/ipc/contract';

export interface ThreadState {
  readonly thread: Thread | null;
  /** Oldest first: older pages loaded on request, then the newest page. */
  readonly messages: readonly MessageView[];
  readonly more: boolean;
  readonly error: AppError | null;
  readonly loadingOlder: boolean;
  readonly reload: () => Promise<void>;
  readonly loadOlder: () => Promise<void>;
  /** Loads older pages, one after another, until the messages reach back to `sentAt` (or there are no more). */
  readonly reach: (sentAt: number) => Promise<void>;
}

/** Pages `reach` loads at most: 10,000 messages back. */
const MAX_REACH_PAGES = 100;

export function useThread(
  bridge: WardlineApi,
  conversationId: string,
  onIncoming: (messages: readonly MessageView[]) => void,
): ThreadState {
  const [thread, setThread] = useState<Thread | null>(null);
  const [older, setOlder] = useState<{ readonly messages: readonly MessageView[]; readonly more: boolean } | null>(
    null,
  );
  const [error, setError] = useState<AppError | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const latestRequest = useRef(0);
  const known = useRef<Set<string> | null>(null);

  // The latest callback, for answers that arrive later (read in callbacks, never during render).
  const tell = useRef(onIncoming);
  useEffect(() => {
    tell.current = onIncoming;
  }, [onIncoming]);

  const noticeIncoming = useCallback((fresh: Thread) => {
    const seen = known.current;
    known.current = new Set([...(seen ?? []), ...fresh.messages.map((message) => message.id)]);
    if (seen === null) return;
    const incoming = fresh.messages.filter((message) => message.direction === 'in' && !seen.has(message.id));
    if (incoming.length > 0) tell.current(incoming);
  }, []);

  /** `again`: the thread already on screen, asked for anew (main records only a first opening). */
  const load = useCallback(
    (again: boolean) => {
      latestRequest.current += 1;
      const mine = latestRequest.current;
      return bridge.conversation.open({ conversationId, again }).then((result) => {
        if (mine !== latestRequest.current) return;
        if (!result.ok) {
          setError(result.error);
          return;
        }
        setError(null);
        noticeIncoming(result.value);
        setThread(result.value);
      });
    },
    [bridge, conversationId, noticeIncoming],
  );
  const reload = useCallback(() => load(true), [load]);

  useEffect(() => {
    void load(false);
    const stop = bridge.events.subscribe('thread.changed', (event) => {
      if (event.conversationId === conversationId) void load(true);
    });
    return () => {
      stop();
      // Answers still on their way belong to a thread that is no longer on screen.
      latestRequest.current += 1;
    };
  }, [bridge, conversationId, load]);

  const messages = merge(older?.messages ?? [], thread?.messages ?? []);
  const more = older === null ? (thread?.more ?? false) : older.more;
  const oldest = messages[0]?.sentAt;

  const loadOlder = useCallback(async () => {
    if (oldest === undefined) return;
    setLoadingOlder(true);
    const result = await bridge.conversation.loadOlder({ conversationId, before: oldest });
    setLoadingOlder(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setOlder((previous) => ({
      messages: merge(result.value.messages, previous?.messages ?? []),
      more: result.value.more,
    }));
  }, [bridge, conversationId, oldest]);

  const reach = useCallback(
    async (sentAt: number) => {
      if (oldest === undefined || oldest <= sentAt || !more) return;
      setLoadingOlder(true);
      let pages: readonly MessageView[] = [];
      let before = oldest;
      let further = true;
      for (let page = 0; page < MAX_REACH_PAGES && further && before > sentAt; page += 1) {
        const result = await bridge.conversation.loadOlder({ conversationId, before });
        if (!result.ok) {
          setLoadingOlder(false);
          setError(result.error);
          return;
        }
        pages = merge(result.value.messages, pages);
        further = result.value.more;
        const first = result.value.messages[0];
        if (first === undefined) break;
        before = first.sentAt;
      }
      setLoadingOlder(false);
      setOlder((previous) => ({ messages: merge(pages, previous?.messages ?? []), more: further }));
    },
    [bridge, conversationId, oldest, more],
  );

  return { thread, messages, more, error, loadingOlder, reload, loadOlder, reach };
}

/** Joins two oldest-first lists; where both hold a message, the later list's copy wins. */
function merge(earlier: readonly MessageView[], later: readonly MessageView[]): readonly MessageView[] {
  if (earlier.length === 0) return later;
  const laterIds = new Set(later.map((message) => message.id));
  return [...earlier.filter((message) => !laterIds.has(message.id)), ...later].sort((a, b) => a.sentAt - b.sentAt);
}
