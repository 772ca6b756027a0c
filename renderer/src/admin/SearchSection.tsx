import { useEffect, useId, useState, type ReactNode, type SubmitEvent } from 'react';
import { Button, Input, Label, SearchField } from 'react-aria-components';
import { ErrorAlert } from '../components/ErrorAlert';
import type { Page, PagedListState } from '../components/paged-list';
import { useAnnounce } from '../components/use-announce';
import { counted } from './admin-labels';
import { LoadMore } from './LoadMore';

/** How a search section words what it finds. */
export interface SearchWords {
  /** The thing found, one and many ("person", "people"), for counts and announcements. */
  readonly one: string;
  readonly many: string;
  /** The search form's name ("Search people"), its field's label and placeholder. */
  readonly form: string;
  readonly field: string;
  readonly placeholder: string;
  /** The hidden heading over the results ("People found"). */
  readonly results: string;
  /** What the rows are in order of ("user ID"). */
  readonly orderedBy: string;
  /** What stands beside the table until a row is opened. */
  readonly choose: string;
}

/**
 * A section that finds things by search (empty finds all), a page at a time, and opens one beside
 * the table; or creates a new one, which is then found and opened. What was found and what was
 * loaded are announced; the search and the opened row are the section's own, so nothing outlives it.
 */
export function SearchSection<T>({
  list,
  words,
  newDialog,
  table,
  detail,
}: {
  readonly list: {
    readonly state: PagedListState<string, T, unknown>;
    readonly search: (query: string) => Promise<Page<T, unknown> | null>;
    readonly loadMore: () => Promise<number>;
  };
  readonly words: SearchWords;
  /** The New… dialog; `onCreated` finds and opens what it created. */
  readonly newDialog: (onCreated: (id: string) => void) => ReactNode;
  readonly table: (rows: readonly T[], selected: string | null, onSelect: (id: string) => void) => ReactNode;
  /** The opened row's panel; null while it is not listed. */
  readonly detail: (selected: string) => ReactNode;
}) {
  const id = useId();
  const announce = useAnnounce();
  const { state, search, loadMore } = list;
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(null);

  async function find(text: string) {
    const found = await search(text.trim());
    if (found === null) return;
    announce(`${counted(found.items.length, words.one, words.many)} found${found.more ? ', more to load' : ''}.`);
  }

  // All, a first page, as the section opens.
  useEffect(() => {
    void search('');
  }, [search]);

  function submit(event: SubmitEvent) {
    event.preventDefault();
    void find(query);
  }

  async function more() {
    const added = await loadMore();
    if (added > 0) announce(`${counted(added, `more ${words.one}`, `more ${words.many}`)} loaded.`);
  }

  function created(createdId: string) {
    setQuery(createdId);
    setSelected(createdId);
    void find(createdId);
  }

  const opened = selected === null ? null : detail(selected);
  return (
    <div className="people">
      <div className="section-bar">
        <form role="search" aria-label={words.form} className="people-search" onSubmit={submit}>
          <SearchField className="field people-search-field" value={query} onChange={setQuery}>
            <Label>{words.field}</Label>
            <Input placeholder={words.placeholder} spellCheck={false} autoComplete="off" maxLength={100} />
          </SearchField>
          <Button type="submit" className="button button-primary" isDisabled={state.busy === 'first'}>
            {state.busy === 'first' ? 'Searching…' : 'Search'}
          </Button>
        </form>
        {newDialog(created)}
      </div>
      <ErrorAlert message={state.error} />
      <div className="people-layout">
        <section className="people-results" aria-labelledby={`${id}-results`}>
          <h2 id={`${id}-results`} className="visually-hidden">
            {words.results}
          </h2>
          {state.items !== null && (
            <>
              <p className="admin-count">
                {counted(state.items.length, words.one, words.many)}
                {state.query === '' ? '' : ' found'}, by {words.orderedBy}
                {state.more ? '; more below' : ''}.
              </p>
              {table(state.items, selected, setSelected)}
            </>
          )}
          <LoadMore list={state} onPress={() => void more()} />
        </section>
        {opened ?? <p className="person-placeholder">{words.choose}</p>}
      </div>
    </div>
  );
}
