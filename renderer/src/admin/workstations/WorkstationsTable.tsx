import { Cell, Column, Row, TableBody, TableHeader } from 'react-aria-components';
import { ShownText } from '../../components/ShownText';
import { localTime, utcTime } from '../../compliance/audit-labels';
import { relativeTime } from '../admin-time';
import type { Workstation } from '../admin-types';
import { SelectableTable } from '../SelectableTable';
import { workstationStatus } from './workstation-labels';

/**
 * The registered workstations, most recently heard from first. Arrow keys move between rows;
 * Enter, Space or a click opens one below the table (one at a time). Names go through the one
 * display rule (ShownText); the present is passed in for "5 minutes ago".
 */
export function WorkstationsTable({
  workstations,
  selected,
  onSelect,
  now,
}: {
  readonly workstations: readonly Workstation[];
  readonly selected: string | null;
  readonly onSelect: (deviceId: string) => void;
  readonly now: number;
}) {
  return (
    <SelectableTable
      aria-label="Workstations"
      className="admin-table people-table workstations-table"
      selected={selected}
      onSelect={onSelect}
    >
      <TableHeader>
        <Column isRowHeader>Workstation</Column>
        <Column>Last user</Column>
        <Column>Last contact</Column>
        <Column>App version</Column>
        <Column>Registered</Column>
        <Column>Status</Column>
      </TableHeader>
      <TableBody
        items={workstations.map((workstation) => ({ ...workstation, id: workstation.deviceId }))}
        renderEmptyState={() => <p className="admin-empty">No workstation has registered yet.</p>}
      >
        {(workstation) => (
          <Row id={workstation.deviceId}>
            <Cell>
              {workstation.name === null ? (
                <span className="person-name">Unnamed</span>
              ) : (
                <ShownText text={workstation.name} className="person-name" />
              )}
              <span className="admin-code person-id" title={workstation.deviceId}>
                {workstation.deviceId.slice(0, 8)}
              </span>
            </Cell>
            <Cell>
              {workstation.lastUser === null ? (
                <span className="admin-muted">Nobody yet</span>
              ) : (
                <>
                  <ShownText text={workstation.lastUser.displayName} className="person-name" />
                  <span className="admin-code person-id">{workstation.lastUser.userId}</span>
                </>
              )}
            </Cell>
            <Cell className="admin-time">
              <span className="person-name">{relativeTime(workstation.lastContactAt, now)}</span>
              <time className="person-id" dateTime={utcTime(workstation.lastContactAt)}>
                {localTime(workstation.lastContactAt)}
              </time>
            </Cell>
            <Cell className="admin-code">{workstation.appVersion ?? '—'}</Cell>
            <Cell className="admin-time">
              <time dateTime={utcTime(workstation.registeredAt)}>{localTime(workstation.registeredAt)}</time>
            </Cell>
            <Cell
              className={
                workstation.revokedAt === null && workstation.wipedAt === null ? 'admin-active' : 'admin-revoked'
              }
            >
              {workstationStatus(workstation, localTime)}
            </Cell>
          </Row>
        )}
      </TableBody>
    </SelectableTable>
  );
}
