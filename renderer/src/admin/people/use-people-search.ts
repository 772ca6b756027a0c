/**
 * The People section's search as the view holds it: the words last searched, the people found so
 * far (a page at a time, by user id), and whether more follow. An answer to an older search, or
 * one arriving after the view is gone, is dropped. Nothing outlives the view: it unmounts on lock
 * and sign-out.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { describeAdminError } from '../admin-labels';
import type { Person } from '../admin-types';

export interface PeopleSearchState {
  /** What the rows answer; null before the first search answered (or after one failed). */
  readonly query: string | null;
  readonly people: readonly Person[];
  readonly more: boolean;
  readonly busy: 'search' | 'more' | null;
  readonly error: string | null;
}

const INITIAL: PeopleSearchState = { query: null, people: [], more: false, busy: null, error: null };

export interface PeopleSearch {
  readonly state: PeopleSearchState;
  /** A new search from the first person; how many it found (null on failure or when superseded). */
  readonly search: (query: string) => Promise<{ readonly found: number; readonly more: boolean } | null>;
  /** The next page of the same search; how many it added. */
  readonly loadMore: () => Promise<number>;
  /** Asks again about one person (after an action) and updates their row; false if they are gone. */
  readonly refresh: (userId: string) => Promise<boolean>;
}

export function usePeopleSearch(bridge: WardlineApi): PeopleSearch {
  const [state, setState] = useState<PeopleSearchState>(INITIAL);
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
    async (query: string) => {
      const mine = ++generation.current;
      setState((previous) => ({ ...previous, busy: 'search', error: null }));
      const result = await bridge.admin.searchPeople({ query, after: null });
      if (mine !== generation.current) return null;
      if (!result.ok) {
        setState({ ...INITIAL, error: describeAdminError(result.error) });
        return null;
      }
      const { people, more } = result.value;
      setState({ query, people, more, busy: null, error: null });
      return { found: people.length, more };
    },
    [bridge],
  );

  const loadMore = useCallback(async () => {
    const { query, people, more, busy } = current.current;
    const last = people.at(-1);
    if (query === null || !more || busy !== null || last === undefined) return 0;
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, busy: 'more', error: null }));
    const result = await bridge.admin.searchPeople({ query, after: last.userId });
    if (mine !== generation.current) return 0;
    if (!result.ok) {
      setState((previous) => ({ ...previous, busy: null, error: describeAdminError(result.error) }));
      return 0;
    }
    setState((previous) => ({
      ...previous,
      people: [...previous.people, ...result.value.people],
      more: result.value.more,
      busy: null,
    }));
    return result.value.people.length;
  }, [bridge]);

  const refresh = useCallback(
    async (userId: string) => {
      // The id is what the server matches; its page holds the person unless 25 others contain it first.
      const result = await bridge.admin.searchPeople({ query: userId, after: null });
      if (!result.ok) return false;
      const person = result.value.people.find((candidate) => candidate.userId === userId);
      if (person === undefined) return false;
      setState((previous) => ({
        ...previous,
        people: previous.people.map((row) => (row.userId === userId ? person : row)),
      }));
      return true;
    },
    [bridge],
  );

  return { state, search, loadMore, refresh };
}
