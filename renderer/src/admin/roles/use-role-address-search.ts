/**
 * The Role addresses section's search as the view holds it: the words last searched, the role
 * addresses found so far (a page at a time, by id), and whether more follow. An answer to an
 * older search, or one arriving after the view is gone, is dropped. Nothing outlives the view.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { describeAdminError } from '../admin-labels';
import type { RoleAddressSummary } from '../admin-types';

export interface RoleAddressSearchState {
  /** What the rows answer; null before the first search answered (or after one failed). */
  readonly query: string | null;
  readonly roleAddresses: readonly RoleAddressSummary[];
  readonly more: boolean;
  readonly busy: 'search' | 'more' | null;
  readonly error: string | null;
}

const INITIAL: RoleAddressSearchState = { query: null, roleAddresses: [], more: false, busy: null, error: null };

export function useRoleAddressSearch(bridge: WardlineApi) {
  const [state, setState] = useState<RoleAddressSearchState>(INITIAL);
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

  /** A new search from the first role address; how many it found (null on failure or when superseded). */
  const search = useCallback(
    async (query: string) => {
      const mine = ++generation.current;
      setState((previous) => ({ ...previous, busy: 'search', error: null }));
      const result = await bridge.admin.searchRoleAddresses({ query, after: null });
      if (mine !== generation.current) return null;
      if (!result.ok) {
        setState({ ...INITIAL, error: describeAdminError(result.error, 'role-address') });
        return null;
      }
      const { roleAddresses, more } = result.value;
      setState({ query, roleAddresses, more, busy: null, error: null });
      return { found: roleAddresses.length, more };
    },
    [bridge],
  );

  /** The next page of the same search; how many it added. */
  const loadMore = useCallback(async () => {
    const { query, roleAddresses, more, busy } = current.current;
    const last = roleAddresses.at(-1);
    if (query === null || !more || busy !== null || last === undefined) return 0;
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, busy: 'more', error: null }));
    const result = await bridge.admin.searchRoleAddresses({ query, after: last.addressId });
    if (mine !== generation.current) return 0;
    if (!result.ok) {
      setState((previous) => ({ ...previous, busy: null, error: describeAdminError(result.error, 'role-address') }));
      return 0;
    }
    setState((previous) => ({
      ...previous,
      roleAddresses: [...previous.roleAddresses, ...result.value.roleAddresses],
      more: result.value.more,
      busy: null,
    }));
    return result.value.roleAddresses.length;
  }, [bridge]);

  /** A role address changed (renamed, a member added or removed): its row says so now. */
  const update = useCallback((summary: RoleAddressSummary) => {
    setState((previous) => ({
      ...previous,
      roleAddresses: previous.roleAddresses.map((row) => (row.addressId === summary.addressId ? summary : row)),
    }));
  }, []);

  return { state, search, loadMore, update };
}
