import { Cell, Column, Row, TableBody, TableHeader } from 'react-aria-components';
import { ShownText } from '../../components/ShownText';
import { counted } from '../admin-labels';
import type { RoleAddressSummary } from '../admin-types';
import { SelectableTable } from '../SelectableTable';

/**
 * The role addresses found, by id. Arrow keys move between rows; Enter, Space or a click opens
 * one beside the table. Names go through the one display rule (ShownText).
 */
export function RoleAddressTable({
  roleAddresses,
  selected,
  onSelect,
}: {
  readonly roleAddresses: readonly RoleAddressSummary[];
  readonly selected: string | null;
  readonly onSelect: (addressId: string) => void;
}) {
  return (
    <SelectableTable
      aria-label="Role addresses"
      className="admin-table people-table"
      selected={selected}
      onSelect={onSelect}
    >
      <TableHeader>
        <Column isRowHeader>Name and ID</Column>
        <Column>Department</Column>
        <Column>Members</Column>
      </TableHeader>
      <TableBody
        items={roleAddresses}
        renderEmptyState={() => <p className="admin-empty">No role address matches this search.</p>}
      >
        {(address) => (
          <Row id={address.addressId}>
            <Cell>
              <ShownText text={address.displayName} className="person-name" />
              <span className="admin-code person-id">{address.addressId}</span>
            </Cell>
            <Cell>
              <ShownText text={address.department} />
            </Cell>
            <Cell className="admin-number">{counted(address.memberCount, 'member', 'members')}</Cell>
          </Row>
        )}
      </TableBody>
    </SelectableTable>
  );
}
