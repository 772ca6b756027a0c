import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { displayText } from '../../../../shared/text/display-text';
import { ShownText } from '../../components/ShownText';
import { localTime, utcTime } from '../../compliance/audit-labels';
import type { PersonSession } from '../admin-types';
import { ConfirmAction } from '../ConfirmAction';

/**
 * A person's live sessions: on which workstation, since when, last used when, and `End` for
 * each (a workstation left signed in), behind a confirmation naming the workstation.
 */
export function PersonSessions({
  name,
  sessions,
  busy,
  onEnd,
}: {
  /** The person's name as the directory has it. */
  readonly name: string;
  readonly sessions: readonly PersonSession[];
  readonly busy: boolean;
  readonly onEnd: (session: PersonSession) => void;
}) {
  if (sessions.length === 0) return <p className="admin-empty">Not signed in anywhere now.</p>;
  return (
    <Table aria-label={`Live sessions of ${displayText(name)}`} className="admin-table sessions-table">
      <TableHeader>
        <Column isRowHeader>Workstation</Column>
        <Column>Signed in</Column>
        <Column>Last used</Column>
        <Column>End</Column>
      </TableHeader>
      <TableBody items={sessions}>
        {(session) => (
          <Row id={session.sessionId}>
            <Cell>
              <ShownText text={session.deviceName} />
            </Cell>
            <Cell className="admin-time">
              <time dateTime={utcTime(session.createdAt)}>{localTime(session.createdAt)}</time>
            </Cell>
            <Cell className="admin-time">
              <time dateTime={utcTime(session.lastSeenAt)}>{localTime(session.lastSeenAt)}</time>
            </Cell>
            <Cell>
              <ConfirmAction
                label="End"
                accessibleLabel={`End session on ${displayText(session.deviceName)}`}
                title="End this session?"
                confirmLabel="End session"
                isDisabled={busy}
                onConfirm={() => onEnd(session)}
              >
                <p>
                  <ShownText text={name} /> is signed out of Wardline on <ShownText text={session.deviceName} /> now
                  (signed in there {localTime(session.createdAt)}). Their other sessions go on, and they can sign in
                  again. This is recorded under your name.
                </p>
              </ConfirmAction>
            </Cell>
          </Row>
        )}
      </TableBody>
    </Table>
  );
}
