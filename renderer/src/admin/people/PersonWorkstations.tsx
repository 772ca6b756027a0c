import { useEffect, useState } from 'react';
import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { displayText } from '../../../../shared/text/display-text';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ShownText } from '../../components/ShownText';
import { localTime, utcTime } from '../../compliance/audit-labels';
import { describeAdminError } from '../admin-labels';
import type { Person, PersonWorkstation } from '../admin-types';

/** Its state for this list: wiped (its key gone, nothing of theirs left), revoked, or in use. */
function stateOf(workstation: PersonWorkstation): string {
  if (workstation.wipedAt !== null) return `Wiped ${localTime(workstation.wipedAt)}`;
  if (workstation.revokedAt !== null) return `Revoked ${localTime(workstation.revokedAt)}`;
  return 'In use';
}

/**
 * The workstations a person signed in at, the most recent first: where their vault may be, and
 * where Wipe data reaches. Asked again whenever the person is (a new search, or after an action).
 */
export function PersonWorkstations({ bridge, person }: { readonly bridge: WardlineApi; readonly person: Person }) {
  const [workstations, setWorkstations] = useState<readonly PersonWorkstation[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void bridge.admin.personWorkstations({ userId: person.userId }).then((result) => {
      if (!live) return;
      if (result.ok) {
        setWorkstations(result.value.workstations);
        setError(null);
      } else setError(describeAdminError(result.error));
    });
    return () => {
      live = false;
    };
  }, [bridge, person]);

  return (
    <>
      <ErrorAlert message={error} />
      {workstations !== null &&
        (workstations.length === 0 ? (
          <p className="admin-empty">Has not signed in at any workstation.</p>
        ) : (
          <Table
            aria-label={`Workstations used by ${displayText(person.displayName)}`}
            className="admin-table sessions-table"
          >
            <TableHeader>
              <Column isRowHeader>Workstation</Column>
              <Column>Last signed in there</Column>
              <Column>State</Column>
            </TableHeader>
            <TableBody items={workstations.map((workstation) => ({ ...workstation, id: workstation.deviceId }))}>
              {(workstation) => (
                <Row id={workstation.deviceId}>
                  <Cell>
                    {workstation.name === null ? 'Unnamed' : <ShownText text={workstation.name} />}
                    <span className="admin-code person-id">{workstation.deviceId.slice(0, 8)}</span>
                  </Cell>
                  <Cell className="admin-time">
                    <time dateTime={utcTime(workstation.lastSignedInAt)}>{localTime(workstation.lastSignedInAt)}</time>
                  </Cell>
                  <Cell>{stateOf(workstation)}</Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        ))}
    </>
  );
}
