/**
 * The registered workstations as the section holds them (use-paged-list.ts): most recently heard
 * from first, later pages appended by the list's cursor (last contact, then id), asked again on
 * Refresh and after a revocation. A failed Refresh keeps the rows it would have replaced.
 */
import type { WardlineApi } from '../../../../preload/api-factory';
import { ok } from '../../../../shared/result';
import { usePagedList, type PagedSource } from '../../components/use-paged-list';
import { describeAdminError } from '../admin-labels';
import type { Workstation } from '../admin-types';

type Cursor = Pick<Workstation, 'lastContactAt' | 'deviceId'>;

const WORKSTATIONS: PagedSource<void, Workstation, Cursor, undefined> = {
  fetchPage: async (bridge, _query, after) => {
    const result = await bridge.admin.listWorkstations({ after });
    return result.ok ? ok({ items: result.value.workstations, more: result.value.more, meta: undefined }) : result;
  },
  cursorOf: (last) => ({ lastContactAt: last.lastContactAt, deviceId: last.deviceId }),
  // A workstation heard from since the first page moves to the top there; the list never shows it twice.
  keyOf: (workstation) => workstation.deviceId,
  describeError: (error) => describeAdminError(error, 'workstation'),
  onFailedFirstPage: 'keep',
};

export function useWorkstations(bridge: WardlineApi) {
  const { state, first, loadMore } = usePagedList(WORKSTATIONS, bridge);
  return { state, refresh: first, loadMore };
}
