import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { Priority } from '../../../../shared/protocol/envelope';
import { useAnnounce } from '../../components/use-announce';
import { describeError } from '../../error-messages';
import { useNow } from '../use-now';
import { ConversationOption } from './ConversationOption';
import { nextActiveIndex } from './list-navigation';
import { PAGE_SIZE, useConversationPages } from './use-conversation-pages';
import './conversation-list.css';

/** Row height before a row is measured; real heights follow the font size and zoom. */
const ESTIMATED_ROW_PX = 88;

/**
 * The conversation list as a WAI-ARIA listbox, newest first, virtualized: only the rows in view
 * (plus a few) are in the DOM. The listbox keeps focus and points at the active row with
 * `aria-activedescendant`; arrows, Page Up/Down and Home/End move, Enter or Space opens.
 * Virtual rows are positioned through React's `style` prop, which React applies through the
 * CSSOM (`element.style`), so the strict `style-src 'self'` CSP is kept.
 */
export function ConversationList({
  bridge,
  id,
  labelledBy,
  openId,
  onOpen,
}: {
  readonly bridge: WardlineApi;
  readonly id: string;
  readonly labelledBy: string;
  readonly openId: string | null;
  readonly onOpen: (id: string) => void;
}) {
  const announce = useAnnounce();
  const onNewUnread = useCallback(
    (priority: Priority | null) =>
      announce(priority === 'stat' ? 'New STAT message' : priority === 'urgent' ? 'New urgent message' : 'New message'),
    [announce],
  );
  const pages = useConversationPages(bridge, openId, onNewUnread);
  const now = useNow();
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(-1);
  const optionPrefix = useId();
  const count = pages.total ?? 0;

  const activeIndex = Math.min(active, count - 1);

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the virtualizer re-renders through its own state.
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: 6,
    // The active row stays in the DOM even when scrolled away, so aria-activedescendant always
    // names an element that exists.
    rangeExtractor: (range: Range) => withIndex(defaultRangeExtractor(range), activeIndex),
  });
  const rows = virtualizer.getVirtualItems();
  // The pages the rendered rows fall on (page 0 before anything is known), as a stable key.
  const neededPages = [...new Set(rows.length === 0 ? [0] : rows.map((row) => Math.floor(row.index / PAGE_SIZE)))].join(
    ',',
  );
  const { ensurePages, generation } = pages;
  useEffect(() => ensurePages(neededPages.split(',').map(Number)), [ensurePages, neededPages, generation]);

  function moveTo(index: number) {
    setActive(index);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  }

  function pick(index: number) {
    const conversation = pages.itemAt(index);
    setActive(index);
    if (conversation !== undefined) onOpen(conversation.id);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Enter' || event.key === ' ') {
      if (activeIndex >= 0) {
        event.preventDefault();
        pick(activeIndex);
      }
      return;
    }
    const pageSize = Math.max(1, Math.floor(event.currentTarget.clientHeight / ESTIMATED_ROW_PX));
    const next = nextActiveIndex(event.key, activeIndex, count, pageSize);
    if (next === null) return;
    event.preventDefault();
    moveTo(next);
  }

  function onFocus() {
    // Arriving by Tab: start at the open conversation, else the newest.
    if (activeIndex >= 0) return;
    const opened = openId === null ? -1 : pages.indexOf(openId);
    if (count > 0) moveTo(opened >= 0 ? opened : 0);
  }

  return (
    <div className="conversation-list">
      {pages.error !== null && (
        <div className="alert" role="alert">
          {describeError(pages.error)}{' '}
          <button type="button" className="button button-secondary button-small" onClick={pages.retry}>
            Try again
          </button>
        </div>
      )}
      {pages.total === 0 && <p className="list-empty">No conversations yet. Start one with New message.</p>}
      {pages.total === null && pages.error === null && (
        <p className="list-empty" role="status">
          Loading conversations…
        </p>
      )}
      <div
        ref={scroller}
        id={id}
        className="conversation-scroller"
        role="listbox"
        aria-labelledby={labelledBy}
        tabIndex={0}
        aria-activedescendant={activeIndex >= 0 ? `${optionPrefix}-${String(activeIndex)}` : undefined}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
      >
        <div role="presentation" className="conversation-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => {
            const conversation = pages.itemAt(row.index);
            return (
              <ConversationOption
                key={row.key}
                id={`${optionPrefix}-${String(row.index)}`}
                index={row.index}
                setSize={count}
                conversation={conversation}
                selected={conversation !== undefined && conversation.id === openId}
                active={row.index === activeIndex}
                now={now}
                measureRef={virtualizer.measureElement}
                style={{ transform: `translateY(${String(row.start)}px)` }}
                onPick={pick}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function withIndex(indexes: number[], extra: number): number[] {
  if (extra < 0 || indexes.includes(extra)) return indexes;
  return [...indexes, extra].sort((a, b) => a - b);
}
