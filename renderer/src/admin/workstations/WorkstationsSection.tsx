import { useEffect, useId, useRef } from 'react';
import { Button, Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ShownText } from '../../components/ShownText';
import { useAnnounce } from '../../components/use-announce';
import { localTime, utcTime } from '../../compliance/audit-labels';
import { useNow } from '../../messaging/use-now';
import { ActionOutcomeView } from '../ActionOutcomeView';
import { counted } from '../admin-labels';
import { relativeTime } from '../admin-time';
import type { Workstation } from '../admin-types';
import { TypedConfirmation } from '../TypedConfirmation';
import { useAdminAction } from '../use-admin-action';
import { useWorkstations } from './use-workstations';
import { confirmationName, workstationName, workstationStatus } from './workstation-labels';

/**
 * Workstations: every registered one, most recently heard from first, with who signed in there
 * last, its app version and whether it is revoked. Revoke asks for the workstation's name to be
 * typed (TypedConfirmation), then may ask the admin to prove who they are; the workstation this
 * admin is using offers no Revoke. Asked afresh each time the section opens.
 */
export function WorkstationsSection({ bridge }: { readonly bridge: WardlineApi }) {
  const id = useId();
  const announce = useAnnounce();
  const heading = useRef<HTMLHeadingElement>(null);
  const now = useNow();
  const { state, refresh, loadMore } = useWorkstations(bridge);
  const { busy, outcome, run } = useAdminAction('workstation');

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function revoke(workstation: Workstation) {
    const name = workstationName(workstation);
    await run(
      'revoke',
      () => bridge.admin.revokeWorkstation({ deviceId: workstation.deviceId }),
      ({ changed, sessionsEnded }) =>
        changed
          ? `${name} is revoked: ${counted(sessionsEnded, 'session', 'sessions')} ended.`
          : `${name} was already revoked.`,
    );
    await refresh();
    // Its Revoke button is gone with the change.
    heading.current?.focus();
  }

  async function more() {
    const added = await loadMore();
    if (added > 0) announce(`${counted(added, 'more workstation', 'more workstations')} loaded.`);
  }

  const workstations = state.workstations;
  return (
    <section className="workstations" aria-labelledby={`${id}-heading`}>
      <div className="recent-head">
        <div>
          <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
            Workstations
          </h2>
          <p className="hint">
            Every workstation that has signed someone in, the most recently heard from first. Revoking one ends its
            sessions and stops it signing anyone in; it does not erase what it stores.
          </p>
        </div>
        <Button
          className="button button-small button-secondary"
          isDisabled={state.busy !== null}
          onPress={() => void refresh()}
        >
          {state.busy === 'refresh' ? 'Refreshing…' : 'Refresh'}
        </Button>
      </div>
      <ErrorAlert message={state.error} />
      <ActionOutcomeView outcome={outcome} />
      {workstations !== null && (
        <Table aria-label="Workstations" className="admin-table workstations-table">
          <TableHeader>
            <Column isRowHeader>Workstation</Column>
            <Column>Last user</Column>
            <Column>Last contact</Column>
            <Column>App version</Column>
            <Column>Registered</Column>
            <Column>Status</Column>
            <Column>Revoke</Column>
          </TableHeader>
          <TableBody
            items={workstations}
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
                <Cell className={workstation.revokedAt === null ? 'admin-active' : 'admin-revoked'}>
                  {workstationStatus(workstation, localTime)}
                </Cell>
                <Cell>
                  {workstation.revokedAt !== null || workstation.thisWorkstation ? (
                    <span className="admin-muted">—</span>
                  ) : (
                    <TypedConfirmation
                      label="Revoke…"
                      accessibleLabel={`Revoke ${workstationName(workstation)}`}
                      title={`Revoke ${workstationName(workstation)}?`}
                      confirmLabel="Revoke workstation"
                      expected={confirmationName(workstation)}
                      expectedWhat={workstation.name === null ? 'the start of its ID' : 'the workstation’s name'}
                      isDisabled={busy !== null}
                      onConfirm={() => void revoke(workstation)}
                    >
                      <p>
                        Every session on it ends now and it can no longer sign anyone in or send its audit records. Its
                        stored data stays on the disk until it is wiped.
                      </p>
                      <p>Revoking cannot be undone. This is recorded under your name.</p>
                    </TypedConfirmation>
                  )}
                </Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      )}
      {state.more && (
        <div className="button-row admin-more">
          <Button className="button button-secondary" isDisabled={state.busy !== null} onPress={() => void more()}>
            {state.busy === 'more' ? 'Loading…' : 'Load more'}
          </Button>
        </div>
      )}
    </section>
  );
}
