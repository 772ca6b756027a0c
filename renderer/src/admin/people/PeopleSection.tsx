import type { WardlineApi } from '../../../../preload/api-factory';
import { SearchSection, type SearchWords } from '../SearchSection';
import { NewPersonDialog } from './NewPersonDialog';
import { PeopleTable } from './PeopleTable';
import { PersonDetail } from './PersonDetail';
import { usePeopleSearch } from './use-people-search';

const WORDS: SearchWords = {
  one: 'person',
  many: 'people',
  form: 'Search people',
  field: 'Name or user ID',
  placeholder: 'Empty finds everyone',
  results: 'People found',
  orderedBy: 'user ID',
  choose: 'Choose a person in the table to see their sessions and what you can do.',
};

/**
 * People: find someone by name or user ID (empty finds everyone), a page at a time, and open one
 * beside the table to see their sessions and act on their account; or create someone new, who
 * is then found and opened. Every search and every person opened is a lookup the server records
 * under the admin's name.
 */
export function PeopleSection({ bridge, selfId }: { readonly bridge: WardlineApi; readonly selfId: string }) {
  const people = usePeopleSearch(bridge);
  return (
    <SearchSection
      list={people}
      words={WORDS}
      newDialog={(created) => <NewPersonDialog bridge={bridge} onCreated={created} />}
      table={(rows, selected, select) => <PeopleTable people={rows} selected={selected} onSelect={select} />}
      detail={(selected) => {
        const person = people.state.items?.find((candidate) => candidate.userId === selected);
        return person === undefined ? null : (
          <PersonDetail
            key={person.userId}
            bridge={bridge}
            person={person}
            selfId={selfId}
            onChanged={people.refresh}
          />
        );
      }}
    />
  );
}
