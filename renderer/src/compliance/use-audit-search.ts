/**
 * The compliance search as the view holds it: the filter last searched, the records found so
 * far (page by page, via `afterIndex`), each page's verification, and the alerts about the
 * trail. An answer to an older search (or one that arrives after the view is gone) is dropped.
 * Nothing here is kept beyond the view: it unmounts on sign-out and lock.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import { describeError } from '../error-messages';
import type { AuditRow, AuditSearchFilter, TrailAlert, Verification } from './audit-types';

export interface AuditSearchState {
  /** The filter the rows answer; null before the first search (or after one failed). */
  readonly filter: AuditSearchFilter | null;
  readonly rows: readonly AuditRow[];
  /** One verification per page fetched. */
  readonly pages: readonly Verification[];
  readonly alerts: readonly TrailAlert[];
  readonly more: boolean;
  readonly busy: 'search' | 'more' | null;
  readonly error: string | null;
}

const INITIAL: AuditSearchState = {
  filter: null,
  rows: [],
  pages: [],
  alerts: [],
  more: false,
  busy: null,
  error: null,
};

export interface AuditSearch {
  readonly state: AuditSearchState;
  /** A new search from the first record; resolves to what it found (null on failure or when superseded). */
  readonly search: (
    filter: AuditSearchFilter,
  ) => Promise<{ readonly records: number; readonly more: boolean; readonly alerts: number } | null>;
  /** The next page of the same search; resolves to how many rows it added (0 on failure). */
  readonly loadMore: () => Promise<number>;
}

export function useAuditSearch(bridge: WardlineApi): AuditSearch {
  const [state, setState] = useState<AuditSearchState>(INITIAL);
  // Bumped by each request, so only the newest answer lands.
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

  const search = useCallback(
    async (filter: AuditSearchFilter) => {
      const mine = ++generation.current;
      setState((previous) => ({ ...previous, busy: 'search', error: null }));
      const result = await bridge.audit.search({ filter, afterIndex: -1 });
      if (mine !== generation.current) return null;
      if (!result.ok) {
        // Rows answering another filter would mislead: the table empties.
        setState({ ...INITIAL, error: describeError(result.error) });
        return null;
      }
      const { records, more, verification, alerts } = result.value;
      setState({ filter, rows: records, pages: [verification], alerts, more, busy: null, error: null });
      return { records: records.length, more, alerts: alerts.length };
    },
    [bridge],
  );

  const loadMore = useCallback(async () => {
    const { filter, rows, more, busy } = current.current;
    const last = rows.at(-1);
    if (filter === null || !more || busy !== null || last === undefined) return 0;
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, busy: 'more', error: null }));
    const result = await bridge.audit.search({ filter, afterIndex: last.treeIndex });
    if (mine !== generation.current) return 0;
    if (!result.ok) {
      setState((previous) => ({ ...previous, busy: null, error: describeError(result.error) }));
      return 0;
    }
    const { records, verification, alerts } = result.value;
    setState((previous) => ({
      ...previous,
      rows: [...previous.rows, ...records],
      pages: [...previous.pages, verification],
      alerts,
      more: result.value.more,
      busy: null,
    }));
    return records.length;
  }, [bridge]);

  return { state, search, loadMore };
}
