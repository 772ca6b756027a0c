import { useState, type ReactNode } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { IpcResult } from '../../../../shared/ipc/result';
import { ShownText } from '../../components/ShownText';
import { counted } from '../admin-labels';
import type { EnrollmentGrant, Person } from '../admin-types';
import { ConfirmAction } from '../ConfirmAction';
import { EnrollmentCodeDialog } from './EnrollmentCodeDialog';

/** Runs one action of the person's panel; what it answered if it was done. */
export type PersonAct = <T>(
  action: string,
  call: () => Promise<IpcResult<T>>,
  said: (value: T) => string,
) => Promise<{ readonly value: T } | null>;

interface Issued {
  readonly grant: EnrollmentGrant;
  readonly title: string;
  readonly lead: ReactNode;
}

/**
 * How a person signs in, and IT's ways to give it back: a new enrollment code while they are
 * pending, and for someone enrolled, reset the authenticator (a lost phone) or the password (a
 * forgotten one, which costs their encrypted history). Each is confirmed first in words that say
 * exactly what happens; a code that comes back is shown once and dropped when its dialog closes.
 */
export function PersonCredentialActions({
  bridge,
  person,
  name,
  busy,
  act,
  onClosed,
}: {
  readonly bridge: WardlineApi;
  readonly person: Person;
  /** The person's name through the display rule. */
  readonly name: string;
  readonly busy: boolean;
  readonly act: PersonAct;
  /** The code's dialog closed: where focus goes next. */
  readonly onClosed: () => void;
}) {
  const [issued, setIssued] = useState<Issued | null>(null);
  const { userId } = person;

  async function newCode() {
    const done = await act(
      'enrollment',
      () => bridge.admin.issueEnrollmentCode({ userId }),
      () => `A new enrollment code for ${name} was issued; any earlier one no longer works.`,
    );
    if (done !== null)
      setIssued({
        grant: done.value.enrollment,
        title: 'New enrollment code',
        lead: <p>Any earlier enrollment code for them has stopped working.</p>,
      });
  }

  async function resetPassword() {
    const done = await act(
      'reset-password',
      () => bridge.admin.resetPassword({ userId }),
      ({ sessionsEnded }) =>
        `${name}’s password is reset (${counted(sessionsEnded, 'session', 'sessions')} ended). They choose a new one with the enrollment code.`,
    );
    if (done !== null)
      setIssued({
        grant: done.value.enrollment,
        title: 'Password reset',
        lead: <p>Their old password no longer works, and they are signed out everywhere.</p>,
      });
  }

  return (
    <>
      {person.enrollment === 'pending' ? (
        <ConfirmAction
          label="New enrollment code…"
          title={`New enrollment code for ${name}?`}
          confirmLabel="Issue new code"
          tone="normal"
          isDisabled={busy}
          onConfirm={() => void newCode()}
        >
          <p>
            Any earlier enrollment code for <ShownText text={name} /> stops working now. You see the new code once,
            next, to hand to them.
          </p>
        </ConfirmAction>
      ) : (
        <>
          {person.mfaEnrolled && (
            <ConfirmAction
              label="Reset authenticator…"
              title={`Reset the authenticator of ${name}?`}
              confirmLabel="Reset authenticator"
              isDisabled={busy}
              onConfirm={() =>
                void act(
                  'reset-mfa',
                  () => bridge.admin.resetAuthenticator({ userId }),
                  ({ sessionsEnded }) =>
                    `${name}’s authenticator is reset (${counted(sessionsEnded, 'session', 'sessions')} ended). They set up a new one at their next sign-in.`,
                )
              }
            >
              <p>
                <ShownText text={name} /> is signed out everywhere now. At their next sign-in, after their password,
                they set up an authenticator app again.
              </p>
              <p>Their password and messages stay as they are. This is recorded under your name.</p>
            </ConfirmAction>
          )}
          <ConfirmAction
            label="Reset password…"
            title={`Reset the password of ${name}?`}
            confirmLabel="Reset password"
            isDisabled={busy}
            onConfirm={() => void resetPassword()}
          >
            <p>
              The old password of <ShownText text={name} /> stops working now, and they are signed out everywhere.
            </p>
            <p>They set a new password with a new enrollment code, which you see next and hand to them.</p>
            <p className="confirm-warning">
              Their end-to-end encrypted message history cannot be recovered: they get new identity keys, their contacts
              will see a security key change for them, and their Wardline data on every workstation is shredded at that
              workstation’s next contact.
            </p>
            <p>If they only lost their phone, reset the authenticator instead. This is recorded under your name.</p>
          </ConfirmAction>
        </>
      )}
      <EnrollmentCodeDialog
        grant={issued?.grant ?? null}
        name={name}
        title={issued?.title ?? ''}
        lead={issued?.lead ?? null}
        onClose={() => {
          setIssued(null);
          onClosed();
        }}
      />
    </>
  );
}
