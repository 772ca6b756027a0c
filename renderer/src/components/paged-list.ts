/**
 * A list fetched a page at a time, as a view holds it: the rows so far, what they answer, whether
 * more follow, what each page said beside its rows, and the request under way. Pure, so its rules
 * (a later page never lists a row twice; a failed search for something new empties the table) are
 * tested without a browser; `use-paged-list.ts` runs the requests.
 */

/** One page as the list takes it: its rows, whether more follow, and what else it said (`meta`). */
export interface Page<T, M> {
  readonly items: readonly T[];
  readonly more: boolean;
  readonly meta: M;
}

export interface PagedListState<Q, T, M> {
  /** What the rows answer; null whenever `items` is. */
  readonly query: Q | null;
  /** Null before the first answer, and after a failed search for something new. */
  readonly items: readonly T[] | null;
  /** What each page fetched said beside its rows, one a page. */
  readonly pages: readonly M[];
  readonly more: boolean;
  /** `first`: a first page (a search, or Refresh); `more`: the next page. */
  readonly busy: 'first' | 'more' | null;
  readonly error: string | null;
}

/**
 * After a failed first page: `clear` where the rows answer another search and would mislead;
 * `keep` where they are the same list, only older.
 */
export type OnFailedFirstPage = 'clear' | 'keep';

export function emptyPagedList<Q, T, M>(): PagedListState<Q, T, M> {
  return { query: null, items: null, pages: [], more: false, busy: null, error: null };
}

export function firstPageAnswered<Q, T, M>(query: Q, page: Page<T, M>): PagedListState<Q, T, M> {
  return { query, items: page.items, pages: [page.meta], more: page.more, busy: null, error: null };
}

export function firstPageFailed<Q, T, M>(
  state: PagedListState<Q, T, M>,
  error: string,
  onFailure: OnFailedFirstPage,
): PagedListState<Q, T, M> {
  return onFailure === 'clear' ? { ...emptyPagedList(), error } : { ...state, busy: null, error };
}

/**
 * The rows of a later page that are not listed yet. A row can move between pages while the admin
 * reads (a workstation heard from since the first page moves to the top there): it stays where it
 * was listed, never twice.
 */
export function unlisted<T>(
  listed: readonly T[],
  rows: readonly T[],
  keyOf: (row: T) => string | number,
): readonly T[] {
  const seen = new Set(listed.map(keyOf));
  return rows.filter((row) => !seen.has(keyOf(row)));
}

/** `added` (the page's unlisted rows) appended after what is listed. */
export function nextPageAnswered<Q, T, M>(
  state: PagedListState<Q, T, M>,
  added: readonly T[],
  page: Page<T, M>,
): PagedListState<Q, T, M> {
  return {
    ...state,
    items: [...(state.items ?? []), ...added],
    pages: [...state.pages, page.meta],
    more: page.more,
    busy: null,
    error: null,
  };
}

/** The listed row with `row`'s key, as it is now; nothing else moves, and a row not listed is not added. */
export function rowReplaced<Q, T, M>(
  state: PagedListState<Q, T, M>,
  row: T,
  keyOf: (row: T) => string | number,
): PagedListState<Q, T, M> {
  if (state.items === null) return state;
  const key = keyOf(row);
  return { ...state, items: state.items.map((listed) => (keyOf(listed) === key ? row : listed)) };
}
