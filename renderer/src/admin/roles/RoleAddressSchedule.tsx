import { useCallback, useEffect, useRef, useState } from 'react';
import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ok, type IpcResult } from '../../../../shared/ipc/result';
import { displayText } from '../../../../shared/text/display-text';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ShownText } from '../../components/ShownText';
import { ActionOutcomeView } from '../ActionOutcomeView';
import { counted, describeAdminError } from '../admin-labels';
import type { RoleAddress, RoleShift } from '../admin-types';
import { ConfirmAction } from '../ConfirmAction';
import { useAdminAction } from '../use-admin-action';
import { ScheduleImportDialog } from './ScheduleImportDialog';
import { ShiftDialog } from './ShiftDialog';

const DAY = 24 * 3_600_000;
/** What the schedule shows: from now, two weeks. */
const SHOWN_DAYS = 14;
/** Pages asked for at most: two weeks of even a busy rota fit in a few. */
const PAGES_MAX = 5;

const TIME = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
/** "Mon 7 Dec, 08:00" in the workstation's time zone. */
export const shiftTime = (at: number): string => TIME.format(at);

/** The address's shifts overlapping the two weeks from `from`, a page at a time. */
async function shiftsAhead(
  bridge: WardlineApi,
  addressId: string,
  from: number,
): Promise<IpcResult<readonly RoleShift[]>> {
  const found: RoleShift[] = [];
  let after: RoleShift | undefined;
  for (let page = 0; page < PAGES_MAX; page += 1) {
    const result = await bridge.admin.listShifts({
      addressId,
      from,
      to: from + SHOWN_DAYS * DAY,
      after: after === undefined ? null : { startsAt: after.startsAt, shiftId: after.shiftId },
    });
    if (!result.ok) return result;
    found.push(...result.value.shifts);
    after = result.value.shifts.at(-1);
    if (!result.value.more || after === undefined) break;
  }
  return ok(found);
}

/**
 * A role address's on-call schedule, the next two weeks from now: each shift's time, the person
 * on call and their backup, with Edit and Delete; "Add shift…" and "Import schedule…" (a rota
 * file, previewed before it replaces anything). A message to the address reaches whoever is on
 * call when it is sent. Asked for again after every change.
 */
export function RoleAddressSchedule({
  bridge,
  address,
  name,
  now = Date.now,
}: {
  readonly bridge: WardlineApi;
  readonly address: RoleAddress;
  /** The address's name through the display rule. */
  readonly name: string;
  readonly now?: () => number;
}) {
  const { addressId } = address;
  const { busy, outcome, run } = useAdminAction('shift');
  const [shifts, setShifts] = useState<readonly RoleShift[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const load = useCallback(async () => {
    const answer = await shiftsAhead(bridge, addressId, now());
    if (!live.current) return;
    if (answer.ok) {
      setShifts(answer.value);
      setLoadError(null);
    } else setLoadError(describeAdminError(answer.error, 'shift'));
  }, [bridge, addressId, now]);

  // The first answer; after a change, `load` asks again.
  useEffect(() => {
    let current = true;
    void shiftsAhead(bridge, addressId, now()).then((answer) => {
      if (!current) return;
      if (answer.ok) setShifts(answer.value);
      else setLoadError(describeAdminError(answer.error, 'shift'));
    });
    return () => {
      current = false;
    };
  }, [bridge, addressId, now]);

  const memberName = (userId: string | null) => {
    if (userId === null) return null;
    const member = address.members.find((person) => person.userId === userId);
    return member === undefined ? userId : displayText(member.displayName);
  };

  async function changed(text: string) {
    setSaid(text);
    await load();
    heading.current?.focus();
  }

  async function remove(shift: RoleShift, who: string) {
    setSaid(null);
    const done = await run(
      'delete',
      () => bridge.admin.deleteShift({ addressId, shiftId: shift.shiftId }),
      ({ changed: deleted }) =>
        deleted ? `Deleted ${who}’s shift from ${shiftTime(shift.startsAt)}.` : 'That shift was already deleted.',
    );
    if (done !== null) await load();
    heading.current?.focus();
  }

  return (
    <section className="role-schedule" aria-labelledby={`${addressId}-schedule`}>
      <h3 id={`${addressId}-schedule`} ref={heading} tabIndex={-1}>
        Schedule: the next two weeks
        {shifts !== null && ` (${counted(shifts.length, 'shift', 'shifts')})`}
      </h3>
      <p className="hint">
        A message to <ShownText text={name} /> reaches whoever is on call when it is sent; outside every shift, it
        reaches every member.
      </p>
      <div className="members-outcome">
        <div role="status" className={said === null ? 'admin-outcome-none' : 'admin-outcome admin-outcome-done'}>
          {said}
        </div>
        <ActionOutcomeView outcome={outcome} />
      </div>
      <ErrorAlert message={loadError} />
      <div className="button-row">
        <ShiftDialog
          bridge={bridge}
          address={address}
          label="Add shift…"
          now={now}
          onSaved={() => changed('Shift added.')}
        />
        <ScheduleImportDialog
          bridge={bridge}
          addressId={addressId}
          name={name}
          shiftTime={shiftTime}
          onImported={changed}
        />
      </div>
      {shifts === null ? (
        loadError === null && <p className="admin-empty">Loading the schedule…</p>
      ) : shifts.length === 0 ? (
        <p className="admin-empty">No shifts in the next two weeks: messages reach every member.</p>
      ) : (
        <Table aria-label={`On-call shifts of ${name}, the next two weeks`} className="admin-table sessions-table">
          <TableHeader>
            <Column isRowHeader>Time</Column>
            <Column>On call</Column>
            <Column>Backup</Column>
            <Column>Change</Column>
          </TableHeader>
          <TableBody items={shifts.map((shift) => ({ ...shift, id: shift.shiftId }))}>
            {(shift) => {
              const who = memberName(shift.userId) ?? shift.userId;
              const backup = memberName(shift.backupUserId);
              const when = `${shiftTime(shift.startsAt)} – ${shiftTime(shift.endsAt)}`;
              return (
                <Row id={shift.shiftId}>
                  <Cell>
                    {when}
                    {shift.startsAt <= now() && now() < shift.endsAt && (
                      <span className="status-badge status-good">On call now</span>
                    )}
                  </Cell>
                  <Cell>
                    <ShownText text={who} className="person-name" />
                    <span className="admin-code person-id">{shift.userId}</span>
                  </Cell>
                  <Cell>
                    {backup === null ? <span className="admin-empty">None</span> : <ShownText text={backup} />}
                  </Cell>
                  <Cell>
                    <div className="button-row">
                      <ShiftDialog
                        bridge={bridge}
                        address={address}
                        shift={shift}
                        label="Edit"
                        accessibleLabel={`Edit ${who}’s shift ${when}`}
                        now={now}
                        onSaved={() => changed('Shift changed.')}
                      />
                      <ConfirmAction
                        label="Delete"
                        accessibleLabel={`Delete ${who}’s shift ${when}`}
                        title={`Delete ${who}’s shift?`}
                        confirmLabel="Delete shift"
                        isDisabled={busy !== null}
                        onConfirm={() => void remove(shift, who)}
                      >
                        <p>
                          {when}: <ShownText text={who} /> will no longer be on call for <ShownText text={name} />.
                        </p>
                        <p>This is recorded under your name.</p>
                      </ConfirmAction>
                    </div>
                  </Cell>
                </Row>
              );
            }}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
