import { useEffect, useId, useState, type SubmitEvent } from 'react';
import { Button, Input, Label, SearchField } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAnnounce } from '../../components/use-announce';
import { counted } from '../admin-labels';
import { LoadMore } from '../LoadMore';
import { NewPersonDialog } from './NewPersonDialog';
import { PeopleTable } from './PeopleTable';
import { PersonDetail } from './PersonDetail';
import { usePeopleSearch } from './use-people-search';

/**
 * People: find someone by name or user ID (empty finds everyone), a page at a time, and open one
 * beside the table to see their sessions and act on their account; or create someone new, who
 * is then found and opened. Every search and every person opened is a lookup the server records
 * under the admin's name.
 */
export function PeopleSection({ bridge, selfId }: { readonly bridge: WardlineApi; readonly selfId: string }) {
  const id = useId();
  const announce = useAnnounce();
  const { state, search, loadMore, refresh } = usePeopleSearch(bridge);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(null);

  async function find(text: string) {
    const found = await search(text.trim());
    if (found === null) return;
    announce(`${counted(found.items.length, 'person', 'people')} found${found.more ? ', more to load' : ''}.`);
  }

  // Everyone, a first page, as the section opens.
  useEffect(() => {
    void search('');
  }, [search]);

  function submit(event: SubmitEvent) {
    event.preventDefault();
    void find(query);
  }

  async function more() {
    const added = await loadMore();
    if (added > 0) announce(`${counted(added, 'more person', 'more people')} loaded.`);
  }

  function created(userId: string) {
    setQuery(userId);
    setSelected(userId);
    void find(userId);
  }

  const person = state.items?.find((candidate) => candidate.userId === selected) ?? null;
  return (
    <div className="people">
      <div className="section-bar">
        <form role="search" aria-label="Search people" className="people-search" onSubmit={submit}>
          <SearchField className="field people-search-field" value={query} onChange={setQuery}>
            <Label>Name or user ID</Label>
            <Input placeholder="Empty finds everyone" spellCheck={false} autoComplete="off" maxLength={100} />
          </SearchField>
          <Button type="submit" className="button button-primary" isDisabled={state.busy === 'first'}>
            {state.busy === 'first' ? 'Searching…' : 'Search'}
          </Button>
        </form>
        <NewPersonDialog bridge={bridge} onCreated={created} />
      </div>
      <ErrorAlert message={state.error} />
      <div className="people-layout">
        <section className="people-results" aria-labelledby={`${id}-results`}>
          <h2 id={`${id}-results`} className="visually-hidden">
            People found
          </h2>
          {state.items !== null && (
            <>
              <p className="admin-count">
                {counted(state.items.length, 'person', 'people')}
                {state.query === '' ? '' : ' found'}, by user ID{state.more ? '; more below' : ''}.
              </p>
              <PeopleTable people={state.items} selected={selected} onSelect={setSelected} />
            </>
          )}
          <LoadMore list={state} onPress={() => void more()} />
        </section>
        {person === null ? (
          <p className="person-placeholder">Choose a person in the table to see their sessions and what you can do.</p>
        ) : (
          <PersonDetail key={person.userId} bridge={bridge} person={person} selfId={selfId} onChanged={refresh} />
        )}
      </div>
    </div>
  );
}
