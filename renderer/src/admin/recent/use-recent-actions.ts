/**
 * The admin's recent actions as the section holds them (use-paged-list.ts): newest first, older
 * pages appended (by trail number), asked again on Refresh. A failed Refresh keeps the rows it
 * would have replaced.
 */
import type { WardlineApi } from '../../../../preload/api-factory';
import { ok } from '../../../../shared/result';
import { usePagedList, type PagedSource } from '../../components/use-paged-list';
import { describeAdminError } from '../admin-labels';
import type { LogEntry } from '../admin-types';

const RECENT_ACTIONS: PagedSource<void, LogEntry, number, undefined> = {
  fetchPage: async (bridge, _query, before) => {
    const result = await bridge.admin.recentActions({ before });
    return result.ok ? ok({ items: result.value.entries, more: result.value.more, meta: undefined }) : result;
  },
  cursorOf: (last) => last.treeIndex,
  keyOf: (entry) => entry.treeIndex,
  describeError: (error) => describeAdminError(error),
  onFailedFirstPage: 'keep',
};

export function useRecentActions(bridge: WardlineApi) {
  const { state, first, loadMore } = usePagedList(RECENT_ACTIONS, bridge);
  return { state, refresh: first, loadOlder: loadMore };
}
