import { useState } from 'react';
import type { Participant } from '../../../../shared/ipc/contract';
import type { Availability } from '../../../../shared/protocol/availability';
import { AvailabilityBadge } from '../../availability/AvailabilityBadge';
import { ShownText } from '../../components/ShownText';
import { personDetails } from '../../people/person-details';

const SHOWN_AT_FIRST = 6;

/**
 * Who is in the thread, with role and department, so a clinician knows who will read a reply, and
 * whether they are busy, on do not disturb or off duty (and who covers).
 */
export function ParticipantList({
  participants,
  availability,
  now,
}: {
  readonly participants: readonly Participant[];
  /** Each person's availability as the directory last said (absent: not asked yet). */
  readonly availability: ReadonlyMap<string, Availability>;
  readonly now: number;
}) {
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? participants : participants.slice(0, SHOWN_AT_FIRST);
  const hidden = participants.length - shown.length;
  if (participants.length === 0) return null;
  return (
    <div className="participants">
      <span className="visually-hidden">Participants: </span>
      <ul className="participant-list">
        {shown.map((person) => {
          const details = personDetails(person);
          return (
            <li key={person.userId} className="participant">
              <ShownText text={person.displayName} className="participant-name" />
              {details !== '' && <ShownText text={details} className="participant-details" />}
              <AvailabilityBadge availability={availability.get(person.userId) ?? null} now={now} />
            </li>
          );
        })}
      </ul>
      {hidden > 0 && (
        <button type="button" className="button-link" onClick={() => setShowAll(true)}>
          Show {hidden} more
        </button>
      )}
    </div>
  );
}
