import { Cell, Column, Row, TableBody, TableHeader } from 'react-aria-components';
import { ShownText } from '../../components/ShownText';
import { roleLabel } from '../../people/role-label';
import type { Person } from '../admin-types';
import { SelectableTable } from '../SelectableTable';
import { StatusBadges } from './StatusBadges';

/**
 * The people found, by user id. Arrow keys move between rows; Enter, Space or a click opens the
 * person beside the table (one at a time). Names go through the one display rule (ShownText).
 */
export function PeopleTable({
  people,
  selected,
  onSelect,
}: {
  readonly people: readonly Person[];
  readonly selected: string | null;
  readonly onSelect: (userId: string) => void;
}) {
  return (
    <SelectableTable aria-label="People" className="admin-table people-table" selected={selected} onSelect={onSelect}>
      <TableHeader>
        <Column isRowHeader>Name and user ID</Column>
        <Column>Role</Column>
        <Column>Department</Column>
        <Column>Status</Column>
      </TableHeader>
      <TableBody items={people} renderEmptyState={() => <p className="admin-empty">No one matches this search.</p>}>
        {(person) => (
          <Row id={person.userId}>
            <Cell>
              <ShownText text={person.displayName} className="person-name" />
              <span className="admin-code person-id">{person.userId}</span>
            </Cell>
            <Cell className="person-role">{roleLabel(person.role)}</Cell>
            <Cell>
              <ShownText text={person.department} />
            </Cell>
            <Cell>
              <StatusBadges person={person} />
            </Cell>
          </Row>
        )}
      </TableBody>
    </SelectableTable>
  );
}
