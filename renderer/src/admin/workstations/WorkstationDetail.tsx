import { useEffect, useId, useRef } from 'react';
import { Button } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ShownText } from '../../components/ShownText';
import { localTime } from '../../compliance/audit-labels';
import { ActionOutcomeView } from '../ActionOutcomeView';
import { counted } from '../admin-labels';
import type { Workstation } from '../admin-types';
import { TypedConfirmation } from '../TypedConfirmation';
import { useAdminAction } from '../use-admin-action';
import { useWorkstationCommands } from './use-workstation-commands';
import { WorkstationCommands } from './WorkstationCommands';
import { confirmationName, workstationName, workstationStatus } from './workstation-labels';

/**
 * One workstation, opened from the table: what it is, what can be done to it, and what IT has
 * asked of it. Wipe and Revoke each ask for its name to be typed (TypedConfirmation), then may
 * ask the admin to prove who they are. A wipe is queued on the server and carried out at the
 * workstation's next contact; the commands below follow it from queued to done by themselves.
 * The workstation this admin is using offers neither; one that never finished a sign-in has no
 * name to confirm, and nothing of anyone's to wipe.
 */
export function WorkstationDetail({
  bridge,
  workstation,
  onChanged,
}: {
  readonly bridge: WardlineApi;
  readonly workstation: Workstation;
  /** The workstation was acted on: list the workstations again. */
  readonly onChanged: () => Promise<unknown>;
}) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const panel = useRef<HTMLElement>(null);
  const commandsPart = useRef<HTMLDivElement>(null);
  // Opened below the table, which on a 768-pixel screen may be all there is room for: bring it into view.
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const { busy, outcome, run } = useAdminAction('workstation');
  const { state: commands, refresh: refreshCommands } = useWorkstationCommands(bridge, workstation.deviceId);
  // A wipe that finishes while the panel is open changes the workstation (wiped, its key gone): list it again.
  const pending = commands.commands?.some((command) => command.state !== 'done') ?? false;
  const wasPending = useRef(false);
  useEffect(() => {
    if (wasPending.current && !pending) void onChanged();
    wasPending.current = pending;
  }, [pending, onChanged]);
  const name = workstationName(workstation);
  const revoked = workstation.revokedAt !== null;
  const wiped = workstation.wipedAt !== null;

  async function wipe() {
    const { name: confirmName } = workstation;
    if (confirmName === null) return;
    await run(
      'wipe',
      () => bridge.admin.wipeWorkstation({ deviceId: workstation.deviceId, confirmName }),
      ({ command }) =>
        command.state === 'queued'
          ? `A wipe of ${name} is queued: it happens when the workstation next contacts the server. Its progress is below.`
          : `A wipe of ${name} was already under way. Its progress is below.`,
    );
    await refreshCommands();
    heading.current?.focus();
    // The wipe's progress is what to watch now: on a 768-pixel screen it is below the fold.
    commandsPart.current?.scrollIntoView({ block: 'nearest' });
  }

  async function revoke() {
    await run(
      'revoke',
      () => bridge.admin.revokeWorkstation({ deviceId: workstation.deviceId }),
      ({ changed, sessionsEnded }) =>
        changed
          ? `${name} is revoked: ${counted(sessionsEnded, 'session', 'sessions')} ended.`
          : `${name} was already revoked.`,
    );
    await onChanged();
    // The Revoke button is gone with the change.
    heading.current?.focus();
  }

  const confirmWhat = workstation.name === null ? 'the start of its ID' : 'the workstation’s name';
  return (
    <section ref={panel} className="person-detail workstation-detail" aria-labelledby={`${id}-name`}>
      <div className="person-head">
        <h2 id={`${id}-name`} ref={heading} tabIndex={-1}>
          {workstation.name === null ? name : <ShownText text={workstation.name} />}
        </h2>
        <span className={revoked || wiped ? 'admin-revoked' : 'admin-active'}>
          {workstationStatus(workstation, localTime)}
        </span>
      </div>
      <dl className="person-facts">
        <div>
          <dt>ID</dt>
          <dd className="admin-code person-fact-wide">{workstation.deviceId}</dd>
        </div>
      </dl>

      <h3>Actions</h3>
      {workstation.thisWorkstation ? (
        <p className="hint">
          This is the workstation you are using. Another administrator can wipe or revoke it from elsewhere.
        </p>
      ) : wiped ? (
        <p className="hint">
          Its key was destroyed with the wipe, so it signs nobody in again. The same computer registers afresh, as a new
          workstation, at its next sign-in.
        </p>
      ) : (
        <div className="button-row person-actions">
          {workstation.name !== null && (
            <TypedConfirmation
              label="Wipe…"
              accessibleLabel={`Wipe ${name}`}
              title={`Wipe ${name}?`}
              confirmLabel="Wipe workstation"
              expected={confirmationName(workstation)}
              expectedWhat={confirmWhat}
              isDisabled={busy !== null}
              onConfirm={() => void wipe()}
            >
              <p>
                When it next contacts the server (at once if it is running and connected), whoever is signed in there is
                signed out and every vault on it is crypto-shredded: the messages and keys it stores for anyone become
                unreadable for good. Its audit records are sent to the server first; only then is its audit log
                shredded. If they cannot reach the server, the log is kept and follows later.
              </p>
              <p>
                People’s accounts are not changed, and messages kept on the server are not deleted. A wipe cannot be
                undone or called back once queued. This is recorded under your name.
              </p>
            </TypedConfirmation>
          )}
          {!revoked && (
            <TypedConfirmation
              label="Revoke…"
              accessibleLabel={`Revoke ${name}`}
              title={`Revoke ${name}?`}
              confirmLabel="Revoke workstation"
              expected={confirmationName(workstation)}
              expectedWhat={confirmWhat}
              isDisabled={busy !== null}
              onConfirm={() => void revoke()}
            >
              <p>
                Every session on it ends now and it can no longer sign anyone in or send its audit records. Its stored
                data stays on the disk until it is wiped (a revoked workstation still carries out a wipe).
              </p>
              <p>Revoking cannot be undone. This is recorded under your name.</p>
            </TypedConfirmation>
          )}
        </div>
      )}
      <ActionOutcomeView outcome={outcome} />

      <div ref={commandsPart}>
        <div className="commands-head">
          <h3>Wipes</h3>
          <Button
            className="button button-small button-secondary"
            isDisabled={commands.busy}
            onPress={() => void refreshCommands()}
          >
            Refresh commands
          </Button>
        </div>
        <ErrorAlert message={commands.error} />
        {commands.commands !== null && <WorkstationCommands name={name} commands={commands.commands} />}
      </div>
    </section>
  );
}
