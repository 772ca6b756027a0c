import type { WardlineApi } from '../../../../preload/api-factory';
import { SearchSection, type SearchWords } from '../SearchSection';
import { NewRoleAddressDialog } from './NewRoleAddressDialog';
import { RoleAddressDetail } from './RoleAddressDetail';
import { RoleAddressTable } from './RoleAddressTable';
import { useRoleAddressSearch } from './use-role-address-search';

const WORDS: SearchWords = {
  one: 'role address',
  many: 'role addresses',
  form: 'Search role addresses',
  field: 'Name or ID',
  placeholder: 'Empty finds all',
  results: 'Role addresses found',
  orderedBy: 'ID',
  choose: 'Choose a role address in the table to change it and its members.',
};

/**
 * Role addresses: find one by id or name (empty finds all), a page at a time, open it beside the
 * table to rename it or change who answers it, or create a new one, which is then opened. Every
 * search and every address opened is a lookup the server records under the admin's name.
 */
export function RoleAddressesSection({ bridge }: { readonly bridge: WardlineApi }) {
  const roleAddresses = useRoleAddressSearch(bridge);
  return (
    <SearchSection
      list={roleAddresses}
      words={WORDS}
      newDialog={(created) => <NewRoleAddressDialog bridge={bridge} onCreated={created} />}
      table={(rows, selected, select) => (
        <RoleAddressTable roleAddresses={rows} selected={selected} onSelect={select} />
      )}
      detail={(selected) => (
        <RoleAddressDetail key={selected} bridge={bridge} addressId={selected} onChanged={roleAddresses.update} />
      )}
    />
  );
}
