/**
 * The conversation list, fetched a page at a time as the clinician scrolls (`conversations.list`
 * with offset and limit), so thousands of conversations cost only what is on screen. A
 * `conversations.changed` event starts a new generation: pages already shown stay until their
 * fresh copy arrives, so the list never blanks.
 *
 * It also notices new unread messages in the first page (the newest conversations) and tells
 * `onNewUnread` their priority: the caller announces that without naming the conversation.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { AppError } from '../../../../shared/errors';
import type { ConversationSummary } from '../../../../shared/ipc/contract';
import type { Priority } from '../../../../shared/protocol/envelope';

export const PAGE_SIZE = 50;

interface Page {
  readonly generation: number;
  readonly items: readonly ConversationSummary[];
}

export interface ConversationPages {
  /** Null until the first page has answered. */
  readonly total: number | null;
  readonly error: AppError | null;
  /** Changes whenever the list should be asked again; a dependency for `ensureRange`. */
  readonly generation: number;
  readonly itemAt: (index: number) => ConversationSummary | undefined;
  readonly indexOf: (id: string) => number;
  /** Fetches each of these pages (by page number) that is missing or stale. */
  readonly ensurePages: (pageNumbers: readonly number[]) => void;
  /** Asks for everything again (after an error). */
  readonly retry: () => void;
}

export function useConversationPages(
  bridge: WardlineApi,
  openId: string | null,
  onNewUnread: (priority: Priority | null) => void,
): ConversationPages {
  const [pages, setPages] = useState<ReadonlyMap<number, Page>>(() => new Map());
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [generation, setGeneration] = useState(0);
  const currentGeneration = useRef(0);
  /** page → generation requested or received, so a page is asked for once per generation. */
  const asked = useRef(new Map<number, number>());
  /** Generation of the answer `total` came from: an older answer never replaces it. */
  const totalGeneration = useRef(-1);
  /** Unread counts seen in the first page, to tell a new message from a re-render. */
  const seenUnread = useRef<Map<string, number> | null>(null);

  const retry = useCallback(() => {
    currentGeneration.current += 1;
    setGeneration(currentGeneration.current);
  }, []);
  useEffect(() => bridge.events.subscribe('conversations.changed', retry), [bridge, retry]);

  // The latest props, for answers that arrive later (read in callbacks, never during render).
  const latest = useRef({ openId, onNewUnread });
  useEffect(() => {
    latest.current = { openId, onNewUnread };
  }, [openId, onNewUnread]);

  const noticeUnread = useCallback((items: readonly ConversationSummary[]) => {
    const previous = seenUnread.current;
    seenUnread.current = new Map(items.map((item) => [item.id, item.unreadCount]));
    if (previous === null) return;
    const { openId: open, onNewUnread: tell } = latest.current;
    const fresh = items.filter((item) => item.id !== open && item.unreadCount > (previous.get(item.id) ?? 0));
    if (fresh.length > 0) tell(highestPriority(fresh));
  }, []);

  const ensurePages = useCallback(
    (pageNumbers: readonly number[]) => {
      const generationNow = currentGeneration.current;
      for (const page of pageNumbers) {
        if (!Number.isInteger(page) || page < 0 || asked.current.get(page) === generationNow) continue;
        asked.current.set(page, generationNow);
        void bridge.conversations.list({ offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then((result) => {
          if (!result.ok) {
            if (asked.current.get(page) === generationNow) asked.current.delete(page);
            setError(result.error);
            return;
          }
          setError(null);
          if (generationNow >= totalGeneration.current) {
            totalGeneration.current = generationNow;
            setTotal(result.value.total);
          }
          if (page === 0) noticeUnread(result.value.items);
          setPages((previous) => {
            const held = previous.get(page);
            // An answer from an older generation never replaces a newer one.
            if (held !== undefined && held.generation > generationNow) return previous;
            const next = new Map(previous);
            next.set(page, { generation: generationNow, items: result.value.items });
            return next;
          });
        });
      }
    },
    [bridge, noticeUnread],
  );

  const itemAt = useCallback(
    (index: number) => pages.get(Math.floor(index / PAGE_SIZE))?.items[index % PAGE_SIZE],
    [pages],
  );
  const indexOf = useCallback(
    (id: string) => {
      for (const [page, { items }] of pages) {
        const at = items.findIndex((item) => item.id === id);
        if (at >= 0) return page * PAGE_SIZE + at;
      }
      return -1;
    },
    [pages],
  );

  return { total, error, generation, itemAt, indexOf, ensurePages, retry };
}

const RANK: Record<Priority, number> = { routine: 0, urgent: 1, stat: 2 };

function highestPriority(items: readonly ConversationSummary[]): Priority | null {
  return items.reduce<Priority | null>((top, item) => {
    const priority = item.unreadPriority;
    return priority !== null && (top === null || RANK[priority] > RANK[top]) ? priority : top;
  }, null);
}
