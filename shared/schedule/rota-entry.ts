/**
 * What a rota file parser (ics-shifts.ts, csv-shifts.ts) reads: each entry's times and the
 * people it names as written, not yet checked against the rules or the address's members
 * (schedule-import.ts does that), and the entries it could not read, by code.
 */
import type { ScheduleProblem } from '../protocol/admin-schedule-api';
import type { PersonReference } from './member-match';

export interface RotaEntry {
  /** CSV: the line it ends on (1 = header). iCalendar: its VEVENT's place in the file (1 = first). */
  readonly entry: number;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly person: PersonReference | null;
  readonly backup: PersonReference | null;
}

export interface RotaRead {
  readonly entries: readonly RotaEntry[];
  readonly problems: readonly ScheduleProblem[];
}

/** Times are read within this window: a recurrence is expanded only here. */
export interface ReadWindow {
  readonly from: number;
  readonly to: number;
}
