/**
 * The compliance search (use-paged-list.ts): the filter last searched, the records found so far
 * (page by page, via `afterIndex`), each page's verification, and the alerts about the trail.
 * A failed search empties the table: rows answering another filter would mislead.
 */
import { useMemo } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import { ok } from '../../../shared/result';
import type { PagedListState } from '../components/paged-list';
import { usePagedList, type PagedSource } from '../components/use-paged-list';
import { describeError } from '../error-messages';
import type { AuditRow, AuditSearchFilter, TrailAlert, Verification } from './audit-types';

/** What each page says beside its records: its own verification, and the alerts as they stand. */
interface AuditPage {
  readonly verification: Verification;
  readonly alerts: readonly TrailAlert[];
}

const AUDIT: PagedSource<AuditSearchFilter, AuditRow, number, AuditPage> = {
  fetchPage: async (bridge, filter, after) => {
    const result = await bridge.audit.search({ filter, afterIndex: after ?? -1 });
    if (!result.ok) return result;
    const { records, more, verification, alerts } = result.value;
    return ok({ items: records, more, meta: { verification, alerts } });
  },
  cursorOf: (last) => last.treeIndex,
  keyOf: (row) => row.treeIndex,
  describeError,
  onFailedFirstPage: 'clear',
};

const NO_ALERTS: readonly TrailAlert[] = [];

export interface AuditSearch {
  readonly state: PagedListState<AuditSearchFilter, AuditRow, AuditPage>;
  /** One verification per page fetched. */
  readonly verifications: readonly Verification[];
  /** The latest page's alerts about the trail. */
  readonly alerts: readonly TrailAlert[];
  /** A new search from the first record; resolves to what it found (null on failure or when superseded). */
  readonly search: (
    filter: AuditSearchFilter,
  ) => Promise<{ readonly records: number; readonly more: boolean; readonly alerts: number } | null>;
  /** The next page of the same search; resolves to how many rows it added (0 on failure). */
  readonly loadMore: () => Promise<number>;
}

export function useAuditSearch(bridge: WardlineApi): AuditSearch {
  const { state, first, loadMore } = usePagedList(AUDIT, bridge);
  const verifications = useMemo(() => state.pages.map((page) => page.verification), [state.pages]);
  const alerts = state.pages.at(-1)?.alerts ?? NO_ALERTS;

  async function search(filter: AuditSearchFilter) {
    const page = await first(filter);
    if (page === null) return null;
    return { records: page.items.length, more: page.more, alerts: page.meta.alerts.length };
  }

  return { state, verifications, alerts, search, loadMore };
}
