/**
 * A list fetched a page at a time (paged-list.ts), with its requests: a first page (a search, or
 * Refresh), the next page after the last row, and one row replaced after an action. Each request
 * supersedes the one before: an answer to an older request, or one arriving after the view is
 * gone, is dropped. Nothing outlives the view: it unmounts on lock and sign-out.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { AppError } from '../../../shared/errors';
import type { IpcResult } from '../../../shared/ipc/result';
import {
  emptyPagedList,
  firstPageAnswered,
  firstPageFailed,
  nextPageAnswered,
  rowReplaced,
  unlisted,
  type OnFailedFirstPage,
  type Page,
  type PagedListState,
} from './paged-list';

/** Where a list's pages come from and how its rows are told apart: a module constant, so the requests stay stable. */
export interface PagedSource<Q, T, C, M> {
  /** The page of `query` from the first row (`after` null) or after the cursor. */
  readonly fetchPage: (bridge: WardlineApi, query: Q, after: C | null) => Promise<IpcResult<Page<T, M>>>;
  /** What the next page starts after, from the last row listed. */
  readonly cursorOf: (last: T) => C;
  readonly keyOf: (row: T) => string | number;
  readonly describeError: (error: AppError) => string;
  readonly onFailedFirstPage: OnFailedFirstPage;
}

export interface PagedList<Q, T, M> {
  readonly state: PagedListState<Q, T, M>;
  /** The first page of `query`; the page (null on failure or when superseded). */
  readonly first: (query: Q) => Promise<Page<T, M> | null>;
  /** The next page of the same query; how many rows it added (0 on failure). */
  readonly loadMore: () => Promise<number>;
  /** A listed row as it is now (after an action on it). */
  readonly replace: (row: T) => void;
}

export function usePagedList<Q, T, C, M>(source: PagedSource<Q, T, C, M>, bridge: WardlineApi): PagedList<Q, T, M> {
  const [state, setState] = useState<PagedListState<Q, T, M>>(emptyPagedList);
  // Bumped by each request (and on unmount), so only the newest answer lands.
  const generation = useRef(0);
  const current = useRef(state);
  useEffect(() => {
    current.current = state;
  }, [state]);
  useEffect(
    () => () => {
      generation.current += 1;
    },
    [],
  );

  const first = useCallback(
    async (query: Q) => {
      const mine = ++generation.current;
      setState((previous) => ({ ...previous, busy: 'first', error: null }));
      const result = await source.fetchPage(bridge, query, null);
      if (mine !== generation.current) return null;
      if (!result.ok) {
        const error = source.describeError(result.error);
        setState((previous) => firstPageFailed(previous, error, source.onFailedFirstPage));
        return null;
      }
      setState(firstPageAnswered(query, result.value));
      return result.value;
    },
    [source, bridge],
  );

  const loadMore = useCallback(async () => {
    const { query, items, more, busy } = current.current;
    const last = items?.at(-1);
    if (query === null || items === null || !more || busy !== null || last === undefined) return 0;
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, busy: 'more', error: null }));
    const result = await source.fetchPage(bridge, query, source.cursorOf(last));
    if (mine !== generation.current) return 0;
    if (!result.ok) {
      const error = source.describeError(result.error);
      setState((previous) => ({ ...previous, busy: null, error }));
      return 0;
    }
    // No other page has landed since `items` was read (it would have superseded this one).
    const added = unlisted(items, result.value.items, source.keyOf);
    setState((previous) => nextPageAnswered(previous, added, result.value));
    return added.length;
  }, [source, bridge]);

  const replace = useCallback(
    (row: T) => {
      setState((previous) => rowReplaced(previous, row, source.keyOf));
    },
    [source],
  );

  return { state, first, loadMore, replace };
}
