import type { Ref } from 'react';
import type { Thread } from '../../../../shared/ipc/contract';
import { ParticipantList } from './ParticipantList';

/**
 * The thread's heading (focused when the thread opens, so a screen reader says where you are) and
 * its participants. A role-address thread says which role it was sent to; a thread about a patient
 * says who, so nobody writes about the wrong one.
 */
export function ThreadHeader({
  headingId,
  headingRef,
  conversation,
  selfId,
}: {
  readonly headingId: string;
  readonly headingRef: Ref<HTMLHeadingElement>;
  readonly conversation: Thread['conversation'];
  readonly selfId: string;
}) {
  const others = conversation.participants.filter((person) => person.userId !== selfId);
  return (
    <header className="thread-header">
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="thread-title">
        {conversation.label}
      </h2>
      {conversation.roleAddress !== null && (
        <p className="thread-role">
          Sent to the role <strong>{conversation.roleAddress.displayName}</strong>
        </p>
      )}
      {conversation.patient !== null && (
        <p className="thread-patient">
          Patient: {conversation.patient.label !== null && <strong>{conversation.patient.label}</strong>}{' '}
          <span className="thread-patient-ref">{conversation.patient.ref}</span>
        </p>
      )}
      <ParticipantList participants={others} />
    </header>
  );
}
