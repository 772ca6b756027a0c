/**
 * The People section's search (use-paged-list.ts): the words last searched, the people found so
 * far (a page at a time, by user id), and whether more follow. A failed search empties the table:
 * its rows would answer other words.
 */
import { useCallback } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ok } from '../../../../shared/result';
import type { Page, PagedListState } from '../../components/paged-list';
import { usePagedList, type PagedSource } from '../../components/use-paged-list';
import { describeAdminError } from '../admin-labels';
import type { Person } from '../admin-types';

const PEOPLE: PagedSource<string, Person, string, undefined> = {
  fetchPage: async (bridge, query, after) => {
    const result = await bridge.admin.searchPeople({ query, after });
    return result.ok ? ok({ items: result.value.people, more: result.value.more, meta: undefined }) : result;
  },
  cursorOf: (last) => last.userId,
  keyOf: (person) => person.userId,
  describeError: (error) => describeAdminError(error),
  onFailedFirstPage: 'clear',
};

export interface PeopleSearch {
  readonly state: PagedListState<string, Person, undefined>;
  /** A new search from the first person (null on failure or when superseded). */
  readonly search: (query: string) => Promise<Page<Person, undefined> | null>;
  /** The next page of the same search; how many it added. */
  readonly loadMore: () => Promise<number>;
  /** Asks again about one person (after an action) and updates their row; false if they are gone. */
  readonly refresh: (userId: string) => Promise<boolean>;
}

export function usePeopleSearch(bridge: WardlineApi): PeopleSearch {
  const { state, first, loadMore, replace } = usePagedList(PEOPLE, bridge);

  const refresh = useCallback(
    async (userId: string) => {
      // The id is what the server matches; its page holds the person unless 25 others contain it first.
      const result = await bridge.admin.searchPeople({ query: userId, after: null });
      if (!result.ok) return false;
      const person = result.value.people.find((candidate) => candidate.userId === userId);
      if (person === undefined) return false;
      replace(person);
      return true;
    },
    [bridge, replace],
  );

  return { state, search: first, loadMore, refresh };
}
