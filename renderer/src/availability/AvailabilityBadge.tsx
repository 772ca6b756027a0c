import type { Availability, AvailabilityState } from '../../../shared/protocol/availability';
import { AVAILABILITY_WORDS, availabilityLine, stateNow } from './availability-labels';
import './availability.css';

/**
 * Someone's availability as an icon and words, never colour alone: the icon is decoration
 * (aria-hidden), the words carry the meaning. Nothing while they are available (`always` shows
 * "Available" too: the status control's own button).
 */
export function AvailabilityBadge({
  availability,
  now,
  always = false,
  compact = false,
}: {
  readonly availability: Availability;
  readonly now: number;
  readonly always?: boolean;
  /** The state's word alone (the header, where the whole line is the control's name). */
  readonly compact?: boolean;
}) {
  const state = stateNow(availability, now);
  const line = availabilityLine(availability, now);
  if (line === null && !always) return null;
  return (
    <span className="availability-badge" data-availability={state}>
      <AvailabilityIcon state={state} />
      <span className="availability-words">{compact ? AVAILABILITY_WORDS[state] : (line ?? 'Available')}</span>
    </span>
  );
}

function AvailabilityIcon({ state }: { readonly state: AvailabilityState }) {
  return (
    <svg className="availability-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {state === 'available' ? (
        // A tick in a circle.
        <>
          <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
          <path d="M5 8.2 7.1 10.3 11 6" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </>
      ) : state === 'busy' ? (
        // An hourglass.
        <path d="M4 1.5h8v2.5L9.3 8 12 12v2.5H4V12l2.7-4L4 4Z" fill="none" stroke="currentColor" strokeWidth="1.6" />
      ) : state === 'dnd' ? (
        // A no-entry sign.
        <>
          <circle cx="8" cy="8" r="6.5" fill="currentColor" />
          <rect x="4" y="7" width="8" height="2" fill="var(--availability-icon-mark, #fff)" />
        </>
      ) : (
        // A crescent moon: off duty.
        <path d="M10.5 1.8A6.3 6.3 0 1 0 14.2 11 5.2 5.2 0 0 1 10.5 1.8Z" fill="currentColor" />
      )}
    </svg>
  );
}
