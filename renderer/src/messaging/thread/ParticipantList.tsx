import { useState } from 'react';
import type { Participant } from '../../../../shared/ipc/contract';
import { ShownText } from '../../components/ShownText';
import { personDetails } from '../../people/person-details';

const SHOWN_AT_FIRST = 6;

/** Who is in the thread, with role and department, so a clinician knows who will read a reply. */
export function ParticipantList({ participants }: { readonly participants: readonly Participant[] }) {
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
