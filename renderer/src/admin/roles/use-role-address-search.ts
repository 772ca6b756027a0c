/**
 * The Role addresses section's search (use-paged-list.ts): the words last searched, the role
 * addresses found so far (a page at a time, by id), and whether more follow. A failed search
 * empties the table: its rows would answer other words.
 */
import type { WardlineApi } from '../../../../preload/api-factory';
import { ok } from '../../../../shared/result';
import { usePagedList, type PagedSource } from '../../components/use-paged-list';
import { describeAdminError } from '../admin-labels';
import type { RoleAddressSummary } from '../admin-types';

const ROLE_ADDRESSES: PagedSource<string, RoleAddressSummary, string, undefined> = {
  fetchPage: async (bridge, query, after) => {
    const result = await bridge.admin.searchRoleAddresses({ query, after });
    return result.ok ? ok({ items: result.value.roleAddresses, more: result.value.more, meta: undefined }) : result;
  },
  cursorOf: (last) => last.addressId,
  keyOf: (address) => address.addressId,
  describeError: (error) => describeAdminError(error, 'role-address'),
  onFailedFirstPage: 'clear',
};

export function useRoleAddressSearch(bridge: WardlineApi) {
  const { state, first, loadMore, replace } = usePagedList(ROLE_ADDRESSES, bridge);
  // `update`: a role address changed (renamed, a member added or removed), and its row says so now.
  return { state, search: first, loadMore, update: replace };
}
