/**
 * The schedule's rules in the Administration view, before anything is sent: a shift's person
 * and backup (two different members), its start and end as the workstation's local date and time
 * (`datetime-local`), ending after it starts and within a week, as the server demands, so its
 * MALFORMED_REQUEST is not what the admin meets. And how a rota file and its problems are named.
 * Pure: times are converted with the runtime's local zone, as the field means them.
 */
import type { RequestOf } from '../../../../shared/ipc/contract';
import {
  SHIFT_MAX_MS,
  type ScheduleFormat,
  type ScheduleProblemCode,
} from '../../../../shared/protocol/admin-schedule-api';
import { err, ok, type Result } from '../../../../shared/result';

export interface ShiftForm {
  readonly userId: string;
  /** '' for no backup. */
  readonly backupUserId: string;
  /** `YYYY-MM-DDTHH:MM`, local time. */
  readonly startsAt: string;
  readonly endsAt: string;
}

export type ShiftField = keyof ShiftForm;
export type ShiftErrors = Partial<Record<ShiftField, string>>;

const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` value in the workstation's zone. */
export function localInputOf(at: number): string {
  const d = new Date(at);
  return `${String(d.getFullYear())}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value as an instant, or null if it is not one. */
export function instantOf(value: string): number | null {
  if (!LOCAL_MINUTE.test(value)) return null;
  // A date-time without an offset is local time (ECMA-262), as the field means it.
  const at = new Date(value).getTime();
  return Number.isFinite(at) && at >= 0 ? at : null;
}

type ShiftRequest = RequestOf<'admin.addShift'>;

export function checkShift(addressId: string, form: ShiftForm): Result<ShiftRequest, ShiftErrors> {
  const errors: ShiftErrors = {};
  if (form.userId === '') errors.userId = 'Choose who is on call.';
  if (form.backupUserId !== '' && form.backupUserId === form.userId)
    errors.backupUserId = 'The backup must be someone else.';
  const startsAt = instantOf(form.startsAt);
  const endsAt = instantOf(form.endsAt);
  if (startsAt === null) errors.startsAt = 'Enter the date and time the shift starts.';
  if (endsAt === null) errors.endsAt = 'Enter the date and time the shift ends.';
  else if (startsAt !== null && endsAt <= startsAt) errors.endsAt = 'The shift must end after it starts.';
  else if (startsAt !== null && endsAt - startsAt > SHIFT_MAX_MS) errors.endsAt = 'A shift lasts at most 7 days.';
  if (Object.keys(errors).length > 0 || startsAt === null || endsAt === null) return err(errors);
  return ok({
    addressId,
    userId: form.userId,
    backupUserId: form.backupUserId === '' ? null : form.backupUserId,
    startsAt,
    endsAt,
  });
}

/** A rota file's format by its name: `.ics` (iCalendar) or `.csv`; null for anything else. */
export function scheduleFormatOf(fileName: string): ScheduleFormat | null {
  const name = fileName.toLowerCase();
  if (name.endsWith('.ics') || name.endsWith('.ical') || name.endsWith('.ifb')) return 'ics';
  if (name.endsWith('.csv')) return 'csv';
  return null;
}

const PROBLEM_TEXT: Record<ScheduleProblemCode, string> = {
  MALFORMED_FILE: 'The file could not be read as a calendar or CSV file.',
  BAD_HEADER: 'The first row must name the columns start, end, person and (optionally) backup.',
  BAD_ROW: 'This row has a different number of fields than the header.',
  BAD_TIME: 'A time is not a date and time with a UTC offset, such as 2026-12-07T08:00+01:00.',
  FLOATING_TIME: 'A time has no time zone.',
  UNKNOWN_TIME_ZONE: 'A time zone is neither defined in the file nor known.',
  ALL_DAY_EVENT: 'An all-day event: a shift needs start and end times.',
  RECURRENCE_UNSUPPORTED: 'A repeat rule more often than daily, or too long to expand.',
  END_NOT_AFTER_START: 'The shift ends before it starts.',
  SHIFT_TOO_LONG: 'The shift is longer than 7 days.',
  OUTSIDE_WINDOW: 'The shift starts more than a month ago or more than about a year ahead.',
  MISSING_PERSON: 'No one is named as on call.',
  UNKNOWN_PERSON: 'The person named is not a member of this role address.',
  AMBIGUOUS_PERSON: 'The name fits more than one member: use their user ID.',
  UNKNOWN_BACKUP: 'The backup named is not a member of this role address.',
  AMBIGUOUS_BACKUP: 'The backup’s name fits more than one member: use their user ID.',
  BACKUP_IS_PERSON: 'The backup is the same person as the one on call.',
  TOO_MANY_SHIFTS: 'The file holds more shifts than one import takes (2,000).',
};

export function problemText(code: ScheduleProblemCode): string {
  return PROBLEM_TEXT[code];
}

/** Where a problem is, as the admin finds it in the file. */
export function entryText(format: ScheduleFormat, entry: number): string {
  if (entry === 0) return 'The file';
  return format === 'csv' ? `Line ${String(entry)}` : `Event ${String(entry)}`;
}
