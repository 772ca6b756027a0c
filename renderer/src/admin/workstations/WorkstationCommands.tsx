import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { localTime, utcTime } from '../../compliance/audit-labels';
import type { WorkstationCommand } from '../admin-types';
import { commandResult, commandState, commandText } from './workstation-labels';

/** A time, or a dash until it happens. */
function When({ at }: { readonly at: number | null }) {
  return at === null ? <span className="admin-muted">—</span> : <time dateTime={utcTime(at)}>{localTime(at)}</time>;
}

/**
 * What IT asked of one workstation, newest first: each wipe with who queued it and when, when the
 * workstation fetched it, when it reported it done, and what it did with its audit log.
 */
export function WorkstationCommands({
  name,
  commands,
}: {
  /** The workstation as sentences name it, for the table's label. */
  readonly name: string;
  readonly commands: readonly WorkstationCommand[];
}) {
  return (
    <Table aria-label={`Commands for ${name}`} className="admin-table commands-table">
      <TableHeader>
        <Column isRowHeader>Command</Column>
        <Column>State</Column>
        <Column>Issued</Column>
        <Column>Delivered</Column>
        <Column>Done</Column>
        <Column>Result</Column>
      </TableHeader>
      <TableBody
        items={commands.map((command) => ({ ...command, id: command.commandId }))}
        renderEmptyState={() => <p className="admin-empty">Nothing has been asked of this workstation.</p>}
      >
        {(command) => (
          <Row id={command.commandId}>
            <Cell>{commandText(command)}</Cell>
            <Cell className={`command-${command.state}`}>{commandState(command)}</Cell>
            <Cell className="admin-time">
              <When at={command.issuedAt} />
              <span className="person-id">by {command.issuedBy}</span>
            </Cell>
            <Cell className="admin-time">
              <When at={command.deliveredAt} />
            </Cell>
            <Cell className="admin-time">
              <When at={command.doneAt} />
            </Cell>
            <Cell className="command-result">{commandResult(command)}</Cell>
          </Row>
        )}
      </TableBody>
    </Table>
  );
}
