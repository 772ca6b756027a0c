import { Cell, Column, Row, Table, TableBody, TableHeader, type Selection } from 'react-aria-components';
import { ShownText } from '../../components/ShownText';
import { counted } from '../admin-labels';
import type { RoleAddressSummary } from '../admin-types';

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
  const choose = (keys: Selection) => {
    if (keys === 'all') return;
    const [key] = [...keys];
    if (key !== undefined) onSelect(String(key));
  };
  return (
    <Table
      aria-label="Role addresses"
      className="admin-table people-table"
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={selected === null ? [] : [selected]}
      onSelectionChange={choose}
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
    </Table>
  );
}
