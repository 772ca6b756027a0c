import type { Ref } from 'react';
import type { Thread } from '../../../../shared/ipc/contract';
import type { Availability } from '../../../../shared/protocol/availability';
import { useNow } from '../use-now';
import { ShownText } from '../../components/ShownText';
import { ParticipantList } from './ParticipantList';
import { Subject } from './Subject';

/**
 * The thread's heading (focused when the thread opens, so a screen reader says where you are) and
 * its participants. The heading says who the thread is with, in the directory's names; the
 * subject its starter typed is shown below it as a subject, never as a name. A role-address
 * thread says which role it was sent to (or that the directory does not know it); a thread about
 * a patient says who, so nobody writes about the wrong one.
 */
export function ThreadHeader({
  headingId,
  subjectId,
  headingRef,
  conversation,
  selfId,
  availability,
}: {
  readonly headingId: string;
  readonly subjectId: string;
  readonly headingRef: Ref<HTMLHeadingElement>;
  readonly conversation: Thread['conversation'];
  readonly selfId: string;
  /** The other participants' availability, from the directory (use-people-availability.ts). */
  readonly availability: ReadonlyMap<string, Availability>;
}) {
  const now = useNow();
  const others = conversation.participants.filter((person) => person.userId !== selfId);
  const role = conversation.roleAddress;
  return (
    // Two short lines on a ward screen: who and which patient; then subject, role and participants.
    // Long text wraps; nothing is cut off.
    <header className="thread-header">
      <div className="thread-header-line">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="thread-title">
          <ShownText text={conversation.label} />
        </h2>
        {conversation.patient !== null && (
          <p className="thread-patient">
            Patient:{' '}
            {conversation.patient.label !== null && (
              <ShownText text={conversation.patient.label} className="thread-patient-label" />
            )}{' '}
            <span className="thread-patient-ref">{conversation.patient.ref}</span>
          </p>
        )}
      </div>
      <div className="thread-header-line thread-header-details">
        {conversation.subject !== null && (
          <Subject as="p" id={subjectId} text={conversation.subject} className="thread-subject" />
        )}
        {role !== null &&
          (role.displayName === null ? (
            <p className="thread-role thread-role-unknown">Sent to a role address the directory does not know</p>
          ) : (
            <p className="thread-role">
              Sent to the role <ShownText text={role.displayName} className="thread-role-name" />
            </p>
          ))}
        <ParticipantList participants={others} availability={availability} now={now} />
      </div>
    </header>
  );
}
