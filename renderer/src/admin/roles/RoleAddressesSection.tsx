import { useEffect, useId, useState, type SubmitEvent } from 'react';
import { Button, Input, Label, SearchField } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAnnounce } from '../../components/use-announce';
import { counted } from '../admin-labels';
import { LoadMore } from '../LoadMore';
import { NewRoleAddressDialog } from './NewRoleAddressDialog';
import { RoleAddressDetail } from './RoleAddressDetail';
import { RoleAddressTable } from './RoleAddressTable';
import { useRoleAddressSearch } from './use-role-address-search';

/**
 * Role addresses: find one by id or name (empty finds all), a page at a time, open it beside the
 * table to rename it or change who answers it, or create a new one, which is then opened. Every
 * search and every address opened is a lookup the server records under the admin's name.
 */
export function RoleAddressesSection({ bridge }: { readonly bridge: WardlineApi }) {
  const id = useId();
  const announce = useAnnounce();
  const { state, search, loadMore, update } = useRoleAddressSearch(bridge);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(null);

  async function find(text: string) {
    const found = await search(text.trim());
    if (found === null) return;
    announce(
      `${counted(found.items.length, 'role address', 'role addresses')} found${found.more ? ', more to load' : ''}.`,
    );
  }

  useEffect(() => {
    void search('');
  }, [search]);

  function submit(event: SubmitEvent) {
    event.preventDefault();
    void find(query);
  }

  async function more() {
    const added = await loadMore();
    if (added > 0) announce(`${counted(added, 'more role address', 'more role addresses')} loaded.`);
  }

  function created(addressId: string) {
    setQuery(addressId);
    setSelected(addressId);
    void find(addressId);
  }

  return (
    <div className="people">
      <div className="section-bar">
        <form role="search" aria-label="Search role addresses" className="people-search" onSubmit={submit}>
          <SearchField className="field people-search-field" value={query} onChange={setQuery}>
            <Label>Name or ID</Label>
            <Input placeholder="Empty finds all" spellCheck={false} autoComplete="off" maxLength={100} />
          </SearchField>
          <Button type="submit" className="button button-primary" isDisabled={state.busy === 'first'}>
            {state.busy === 'first' ? 'Searching…' : 'Search'}
          </Button>
        </form>
        <NewRoleAddressDialog bridge={bridge} onCreated={created} />
      </div>
      <ErrorAlert message={state.error} />
      <div className="people-layout">
        <section className="people-results" aria-labelledby={`${id}-results`}>
          <h2 id={`${id}-results`} className="visually-hidden">
            Role addresses found
          </h2>
          {state.items !== null && (
            <>
              <p className="admin-count">
                {counted(state.items.length, 'role address', 'role addresses')}
                {state.query === '' ? '' : ' found'}, by ID{state.more ? '; more below' : ''}.
              </p>
              <RoleAddressTable roleAddresses={state.items} selected={selected} onSelect={setSelected} />
            </>
          )}
          <LoadMore list={state} onPress={() => void more()} />
        </section>
        {selected === null ? (
          <p className="person-placeholder">Choose a role address in the table to change it and its members.</p>
        ) : (
          <RoleAddressDetail key={selected} bridge={bridge} addressId={selected} onChanged={update} />
        )}
      </div>
    </div>
  );
}
