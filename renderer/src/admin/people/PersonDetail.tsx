import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { IpcResult } from '../../../../shared/ipc/result';
import { displayText } from '../../../../shared/text/display-text';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ShownText } from '../../components/ShownText';
import { localTime } from '../../compliance/audit-labels';
import { useNow } from '../../messaging/use-now';
import { roleLabel } from '../../people/role-label';
import { ActionOutcomeView } from '../ActionOutcomeView';
import { counted, describeAdminError, enrollmentText } from '../admin-labels';
import { spokenTime } from '../admin-time';
import type { Person, PersonSession } from '../admin-types';
import { ConfirmAction } from '../ConfirmAction';
import { useAdminAction } from '../use-admin-action';
import { DepartmentLeadSwitch } from './DepartmentLeadSwitch';
import { PersonCredentialActions } from './PersonCredentialActions';
import { PersonSessions } from './PersonSessions';
import { PersonWorkstations } from './PersonWorkstations';
import { StatusBadges } from './StatusBadges';

/**
 * One person, opened from the table: who they are, their state, how they sign in, their live
 * sessions, and what IT may do about them. Destructive actions (deactivate, end sessions, the
 * resets in PersonCredentialActions) are confirmed first, in words that say exactly what
 * happens; the server may then ask the admin to prove who they are. Each action ends with the
 * person asked about again, and focus on this panel's heading, since the button pressed may be
 * gone (Deactivate becomes Reactivate).
 */
export function PersonDetail({
  bridge,
  person,
  selfId,
  onChanged,
}: {
  readonly bridge: WardlineApi;
  readonly person: Person;
  /** The admin signed in here: their own account offers no actions. */
  readonly selfId: string;
  /** The person was acted on: ask about them again (false if that failed). */
  readonly onChanged: (userId: string) => Promise<boolean>;
}) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const { busy, outcome, run } = useAdminAction();
  const [sessions, setSessions] = useState<readonly PersonSession[] | null>(null);
  const [sessionsError, setSessionsError] = useState<string | null>(null);
  const { userId } = person;

  const loadSessions = useCallback(async () => {
    const result = await bridge.admin.listSessions({ userId });
    if (result.ok) {
      setSessions(result.value.sessions);
      setSessionsError(null);
    } else setSessionsError(describeAdminError(result.error));
  }, [bridge, userId]);

  // Asked again whenever the person is (a new search, or after an action): sessions come and go.
  useEffect(() => {
    let live = true;
    void bridge.admin.listSessions({ userId: person.userId }).then((result) => {
      if (!live) return;
      if (result.ok) {
        setSessions(result.value.sessions);
        setSessionsError(null);
      } else setSessionsError(describeAdminError(result.error));
    });
    return () => {
      live = false;
    };
  }, [bridge, person]);

  async function act<T>(action: string, call: () => Promise<IpcResult<T>>, said: (value: T) => string) {
    const done = await run(action, call, said);
    // A new answer about the person brings their sessions again; if they are gone, the list is asked anyway.
    if (!(await onChanged(userId))) await loadSessions();
    heading.current?.focus();
    return done;
  }

  const now = useNow();
  const live = sessions?.length ?? person.liveSessions;
  const self = userId === selfId;
  // In titles and sentences, through the same display rule as ShownText.
  const name = displayText(person.displayName);

  return (
    <section className="person-detail" aria-labelledby={`${id}-name`}>
      <div className="person-head">
        <h2 id={`${id}-name`} ref={heading} tabIndex={-1}>
          <ShownText text={name} />
        </h2>
        <StatusBadges person={person} />
      </div>
      <dl className="person-facts">
        <div>
          <dt>User ID</dt>
          <dd className="admin-code">{userId}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{roleLabel(person.role)}</dd>
        </div>
        <div>
          <dt>Department</dt>
          <dd>
            <ShownText text={person.department} />
          </dd>
        </div>
        <div>
          <dt>Title</dt>
          <dd>
            <ShownText text={person.title} />
          </dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd className="person-fact-wide">
            {person.lastSeenAt === null ? 'Never signed in' : localTime(person.lastSeenAt)}
          </dd>
        </div>
        <div>
          <dt>Sign-in</dt>
          <dd className={`person-fact-wide${person.enrollment === 'pending' ? ' person-pending' : ''}`}>
            {enrollmentText(person, now, spokenTime)}
          </dd>
        </div>
      </dl>
      <DepartmentLeadSwitch bridge={bridge} person={person} name={name} busy={busy !== null} act={act} />

      <h3>Actions</h3>
      {self ? (
        <p className="hint">
          This is your own account. Your sessions are in Settings; another administrator manages your account.
        </p>
      ) : (
        <div className="button-row person-actions">
          {person.active ? (
            <ConfirmAction
              label="Deactivate…"
              title={`Deactivate ${name}?`}
              confirmLabel="Deactivate account"
              isDisabled={busy !== null}
              onConfirm={() =>
                void act(
                  'deactivate',
                  () => bridge.admin.deactivate({ userId }),
                  ({ sessionsEnded }) =>
                    `${name} is deactivated: ${counted(sessionsEnded, 'session', 'sessions')} ended.`,
                )
              }
            >
              <p>
                <ShownText text={name} /> ({userId}) is signed out of every workstation at once
                {live > 0 ? ` (${counted(live, 'live session', 'live sessions')} end now)` : ''} and cannot sign in
                again until an administrator reactivates the account.
              </p>
              <p>Their messages and audit records are kept. This is recorded under your name.</p>
            </ConfirmAction>
          ) : (
            <Button
              className="button button-small button-secondary"
              isDisabled={busy !== null}
              onPress={() =>
                void act(
                  'reactivate',
                  () => bridge.admin.reactivate({ userId }),
                  () => `${name} is active again and can sign in with their password and authenticator.`,
                )
              }
            >
              {busy === 'reactivate' ? 'Reactivating…' : 'Reactivate'}
            </Button>
          )}
          <Button
            className="button button-small button-secondary"
            isDisabled={busy !== null}
            onPress={() =>
              void act(
                'unlock',
                () => bridge.admin.unlock({ userId }),
                ({ wasLocked }) =>
                  wasLocked
                    ? `${name}’s sign-in is unlocked: their failed attempts were cleared.`
                    : `${name} was not locked out; any waits after failed attempts were cleared.`,
              )
            }
          >
            {busy === 'unlock' ? 'Unlocking…' : 'Unlock sign-in'}
          </Button>
          <PersonCredentialActions
            bridge={bridge}
            person={person}
            name={name}
            busy={busy !== null}
            act={act}
            onClosed={() => heading.current?.focus()}
          />
          <ConfirmAction
            label="Wipe data…"
            accessibleLabel={`Wipe the data of ${name}`}
            title={`Wipe ${name}’s data on every workstation?`}
            confirmLabel="Wipe their data"
            isDisabled={busy !== null}
            onConfirm={() =>
              void act(
                'wipe',
                () => bridge.admin.wipePerson({ userId }),
                ({ workstations }) =>
                  workstations === 0
                    ? `${name} has not signed in at any workstation: there is nothing to wipe.`
                    : `A wipe of ${name}’s data is queued on ${counted(workstations, 'workstation', 'workstations')}: each wipes it when it next contacts the server. Open a workstation under Workstations to follow it.`,
              )
            }
          >
            <p>
              On every workstation where <ShownText text={name} /> ({userId}) has signed in, their vault (the messages
              and keys stored there) is crypto-shredded when that workstation next contacts the server, and they are
              signed out there first. Nobody else’s data is touched.
            </p>
            <p>
              Their account is not changed, and messages kept on the server are not deleted: to keep them out,
              deactivate the account as well. A wipe cannot be called back once queued. This is recorded under your
              name.
            </p>
          </ConfirmAction>
          {live > 0 && (
            <ConfirmAction
              label="End all sessions…"
              title={`End all sessions of ${name}?`}
              confirmLabel="End all sessions"
              isDisabled={busy !== null}
              onConfirm={() =>
                void act(
                  'end-sessions',
                  () => bridge.admin.endSessions({ userId }),
                  ({ sessionsEnded }) => `${counted(sessionsEnded, 'session', 'sessions')} of ${name} ended.`,
                )
              }
            >
              <p>
                <ShownText text={name} /> is signed out of Wardline on every workstation now (
                {counted(live, 'live session', 'live sessions')}). The account stays active: they can sign in again at
                once with their password and authenticator.
              </p>
              <p>This is recorded under your name.</p>
            </ConfirmAction>
          )}
        </div>
      )}
      <ActionOutcomeView outcome={outcome} />

      <h3>Live sessions</h3>
      <ErrorAlert message={sessionsError} />
      {sessions !== null && (
        <PersonSessions
          name={name}
          sessions={sessions}
          busy={busy !== null || self}
          onEnd={(session) =>
            void act(
              'end-session',
              () => bridge.admin.endSession({ userId, sessionId: session.sessionId }),
              () => `${name}’s session on ${session.deviceName} ended.`,
            )
          }
        />
      )}

      <h3>Workstations used</h3>
      <PersonWorkstations bridge={bridge} person={person} />
    </section>
  );
}
