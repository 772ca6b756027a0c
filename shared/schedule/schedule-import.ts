/**
 * A rota file read against a role address's members: the shifts it yields and each entry's
 * problem. The one place the rules for imported shifts are checked (end after start, at most
 * SHIFT_MAX_MS, starts within the import window, two different members), so the server's import
 * and its dry run answer the same. Pure: the window comes from the caller's clock.
 */
import {
  SCHEDULE_IMPORT_MAX_SHIFTS,
  SHIFT_MAX_MS,
  type ImportedShift,
  type ScheduleFormat,
  type ScheduleProblem,
  type ScheduleProblemCode,
} from '../protocol/admin-schedule-api';
import { readCsvRota } from './csv-shifts';
import { readIcsRota } from './ics-shifts';
import { matchMember, type RotaMember } from './member-match';
import type { ReadWindow, RotaEntry } from './rota-entry';

export interface ScheduleRead {
  readonly shifts: readonly ImportedShift[];
  /** In entry order, one per entry and code. */
  readonly problems: readonly ScheduleProblem[];
}

type Checked =
  { readonly ok: true; readonly shift: ImportedShift } | { readonly ok: false; readonly code: ScheduleProblemCode };

function checked(entry: RotaEntry, members: readonly RotaMember[], window: ReadWindow): Checked {
  const refuse = (code: ScheduleProblemCode): Checked => ({ ok: false, code });
  if (entry.endsAt <= entry.startsAt) return refuse('END_NOT_AFTER_START');
  if (entry.endsAt - entry.startsAt > SHIFT_MAX_MS) return refuse('SHIFT_TOO_LONG');
  if (entry.startsAt < window.from || entry.startsAt >= window.to) return refuse('OUTSIDE_WINDOW');
  if (entry.person === null) return refuse('MISSING_PERSON');
  const person = matchMember(members, entry.person);
  if (!person.ok) return refuse(person.reason === 'unknown' ? 'UNKNOWN_PERSON' : 'AMBIGUOUS_PERSON');
  let backupUserId: string | null = null;
  if (entry.backup !== null) {
    const backup = matchMember(members, entry.backup);
    if (!backup.ok) return refuse(backup.reason === 'unknown' ? 'UNKNOWN_BACKUP' : 'AMBIGUOUS_BACKUP');
    if (backup.userId === person.userId) return refuse('BACKUP_IS_PERSON');
    backupUserId = backup.userId;
  }
  return {
    ok: true,
    shift: { entry: entry.entry, userId: person.userId, backupUserId, startsAt: entry.startsAt, endsAt: entry.endsAt },
  };
}

export function readSchedule(
  format: ScheduleFormat,
  text: string,
  members: readonly RotaMember[],
  window: ReadWindow,
): ScheduleRead {
  const read = format === 'ics' ? readIcsRota(text, window) : readCsvRota(text);
  const shifts: ImportedShift[] = [];
  const problems: ScheduleProblem[] = [...read.problems];
  for (const entry of read.entries) {
    const result = checked(entry, members, window);
    if (!result.ok) problems.push({ entry: entry.entry, code: result.code });
    else if (shifts.length === SCHEDULE_IMPORT_MAX_SHIFTS) {
      problems.push({ entry: entry.entry, code: 'TOO_MANY_SHIFTS' });
      break;
    } else shifts.push(result.shift);
  }
  const seen = new Set<string>();
  const distinct = problems
    .filter((problem) => {
      const key = `${problem.entry} ${problem.code}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .sort((a, b) => a.entry - b.entry);
  return { shifts, problems: distinct };
}
