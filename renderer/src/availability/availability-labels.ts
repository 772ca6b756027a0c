/**
 * How availability is worded (pure, so tested without a browser): the state's word, the line a
 * picker or thread header shows ("Off duty until 08:00, covered by Dr. Nguyen"), the quick
 * "until" choices of the status control, and the compose notice for someone off duty with a
 * cover. Times are the workstation's locale and zone; tests pin them. An availability whose time
 * has passed is Available, here as everywhere (shared/protocol/availability.ts).
 */
import {
  inForce,
  AVAILABILITY_MAX_AHEAD_MS,
  type Availability,
  type AvailabilityState,
} from '../../../shared/protocol/availability';
import { messageTime, type TimeFormatOptions } from '../messaging/message/message-time';

export const AVAILABILITY_WORDS: Readonly<Record<AvailabilityState, string>> = {
  available: 'Available',
  busy: 'Busy (in procedure)',
  dnd: 'Do not disturb',
  'off-duty': 'Off duty',
};

export const STATE_OPTIONS = (Object.keys(AVAILABILITY_WORDS) as AvailabilityState[]).map((value) => ({
  value,
  label: AVAILABILITY_WORDS[value],
}));

/** The state in force now: Available when none, or when its time has passed. */
export function stateNow(availability: Availability, now: number): AvailabilityState {
  return inForce(availability, now)?.state ?? 'available';
}

/** "Busy (in procedure) until 14:30", "Off duty until Tomorrow 08:00, covered by …"; null when available. */
export function availabilityLine(
  availability: Availability,
  now: number,
  options: TimeFormatOptions = {},
): string | null {
  const away = inForce(availability, now);
  if (away === null) return null;
  const until = `${AVAILABILITY_WORDS[away.state]} until ${messageTime(away.until, now, options).replace('Yesterday', 'yesterday')}`;
  return away.state === 'off-duty' && away.cover !== null ? `${until}, covered by ${away.cover.displayName}` : until;
}

export type UntilChoice = 'hour' | 'shift' | 'tomorrow' | 'custom';

export const UNTIL_OPTIONS: readonly { readonly value: UntilChoice; readonly label: string }[] = [
  { value: 'hour', label: '1 hour' },
  { value: 'shift', label: 'End of shift (8 hours)' },
  { value: 'tomorrow', label: 'Tomorrow 08:00' },
  { value: 'custom', label: 'Custom' },
];

const HOUR_MS = 3_600_000;

/**
 * The time a quick choice means at `now`; `custom` is a `datetime-local` value ("2026-12-07T07:30")
 * in the workstation's zone. Null for a custom time that is not a time, not ahead, or beyond the
 * two weeks the server allows.
 */
export function untilOf(choice: UntilChoice, now: number, custom = ''): number | null {
  let until: number;
  if (choice === 'hour') until = now + HOUR_MS;
  else if (choice === 'shift') until = now + 8 * HOUR_MS;
  else if (choice === 'tomorrow') {
    const next = new Date(now);
    next.setDate(next.getDate() + 1);
    next.setHours(8, 0, 0, 0);
    until = next.getTime();
  } else {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(custom)) return null;
    until = new Date(custom).getTime();
  }
  return Number.isFinite(until) && until > now && until - now <= AVAILABILITY_MAX_AHEAD_MS ? until : null;
}

/** What compose says before sending to someone off duty with a cover, one line per such person. */
export function coverNotices(
  people: readonly { readonly name: string; readonly availability: Availability }[],
  now: number,
): string[] {
  return people.flatMap(({ name, availability }) => {
    const away = inForce(availability, now);
    return away?.state === 'off-duty' && away.cover !== null
      ? [`${name} is off duty; ${away.cover.displayName} (covering) will also receive this`]
      : [];
  });
}
