/**
 * Shifts from an iCalendar file (RFC 5545), as Amion, QGenda and most rota tools export them,
 * read with ical.js. Each VEVENT is a shift (or, with an RRULE or RDATE, a series of them,
 * expanded only within the read window); a cancelled event is skipped.
 *
 * Times: a UTC time, or a TZID the file defines in a VTIMEZONE (as exports do), or a TZID the
 * runtime knows (IANA names). A floating time (no zone) or an unknown TZID is a problem, and so
 * is an all-day event: a shift has hours, and turning a date into hours would be a guess.
 *
 * People: the attendees. An OPT-PARTICIPANT is the backup, any other attendee the person on
 * call, each by its CN (user id or display name). Without an attendee, the SUMMARY (else the
 * DESCRIPTION) must name exactly one member; a DESCRIPTION line `Backup: <name>` names the backup.
 *
 * ical.js keeps defined time zones in one registry: it is emptied before and after each file,
 * so one file's VTIMEZONE never decides another's times. Parsing is synchronous, so two files
 * never share it.
 */
import ICAL from 'ical.js';
import type { ScheduleProblem, ScheduleProblemCode } from '../protocol/admin-schedule-api';
import type { PersonReference } from './member-match';
import type { ReadWindow, RotaEntry, RotaRead } from './rota-entry';
import { zonedEpochMs } from './zoned-time';

/** Steps of one recurrence before it must have reached the window's end. */
const RECURRENCE_STEPS_MAX = 5000;
/**
 * Steps of all a file's recurrences together: a file of many long series would otherwise keep
 * the server busy for minutes (each step costs tens of microseconds). Past it, each further
 * series is a problem.
 */
const FILE_STEPS_MAX = 20_000;
const SUPPORTED_FREQUENCIES = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const BACKUP_LINE = /^\s*backup\s*:\s*(.+?)\s*$/imu;

type Time = InstanceType<typeof ICAL.Time>;
type Component = InstanceType<typeof ICAL.Component>;
type Event = InstanceType<typeof ICAL.Event>;

class EntryProblem extends Error {
  constructor(readonly code: ScheduleProblemCode) {
    super(code);
  }
}

/** The instant a DATE-TIME stands for, or why it has none. */
function epochOf(time: Time): number {
  if (time.isDate) throw new EntryProblem('ALL_DAY_EVENT');
  // A time ical.js read without any zone has none, whatever its typings say.
  const zone = time.zone as Time['zone'] | undefined;
  const tzid = zone?.tzid;
  if (tzid === 'UTC' || (tzid !== undefined && tzid !== 'floating')) return time.toUnixTime() * 1000;
  // Floating: no zone at all, or a TZID the file did not define.
  // ical.js keeps the TZID it could not resolve on the time (not in its typings).
  const named = (time as unknown as { readonly timezone?: unknown }).timezone;
  if (typeof named !== 'string' || named === '') throw new EntryProblem('FLOATING_TIME');
  const epoch = zonedEpochMs(time, named);
  if (epoch === null) throw new EntryProblem('UNKNOWN_TIME_ZONE');
  return epoch;
}

function textOf(component: Component, property: string): string {
  const value: unknown = component.getFirstPropertyValue(property);
  return typeof value === 'string' ? value : '';
}

/** The person on call and the backup an event names. */
function peopleOf(component: Component): { person: PersonReference | null; backup: PersonReference | null } {
  const people: PersonReference[] = [];
  const backups: PersonReference[] = [];
  for (const attendee of component.getAllProperties('attendee')) {
    const name = attendee.getParameter('cn');
    const value: unknown = attendee.getFirstValue();
    const text = typeof name === 'string' && name !== '' ? name : typeof value === 'string' ? value : '';
    const reference: PersonReference = { kind: 'name', text };
    const role = attendee.getParameter('role');
    if (typeof role === 'string' && role.toUpperCase() === 'OPT-PARTICIPANT') backups.push(reference);
    else people.push(reference);
  }
  if (people.length > 1) throw new EntryProblem('AMBIGUOUS_PERSON');
  if (backups.length > 1) throw new EntryProblem('AMBIGUOUS_BACKUP');
  const description = textOf(component, 'description');
  const backupLine = BACKUP_LINE.exec(description)?.[1];
  const backup = backups[0] ?? (backupLine === undefined ? null : { kind: 'name', text: backupLine });
  if (people[0] !== undefined) return { person: people[0], backup };
  const summary = textOf(component, 'summary');
  const rest = description.replace(BACKUP_LINE, '');
  const mention = summary.trim() !== '' ? summary : rest;
  return { person: mention.trim() === '' ? null : { kind: 'mention', text: mention }, backup };
}

function occurrence(entry: number, component: Component, start: Time, end: Time): RotaEntry {
  return { entry, startsAt: epochOf(start), endsAt: epochOf(end), ...peopleOf(component) };
}

/** The occurrences of a recurring event that start in the window. */
function expand(entry: number, event: Event, window: ReadWindow, budget: { steps: number }): RotaEntry[] {
  const rule: unknown = event.component.getFirstPropertyValue('rrule');
  if (rule instanceof ICAL.Recur && !SUPPORTED_FREQUENCIES.has(rule.freq))
    throw new EntryProblem('RECURRENCE_UNSUPPORTED');
  const entries: RotaEntry[] = [];
  const iterator = event.iterator();
  for (let step = 0; ; step += 1) {
    if (step >= RECURRENCE_STEPS_MAX || budget.steps >= FILE_STEPS_MAX)
      throw new EntryProblem('RECURRENCE_UNSUPPORTED');
    budget.steps += 1;
    // The iterator answers nothing once the series ends (not in its typings).
    const next = iterator.next() as Time | null | undefined;
    if (next === null || next === undefined) return entries;
    const details = event.getOccurrenceDetails(next);
    const startsAt = epochOf(details.startDate);
    if (startsAt >= window.to) return entries;
    if (startsAt < window.from) continue;
    const source = details.item.component;
    if (textOf(source, 'status').toUpperCase() === 'CANCELLED') continue;
    entries.push(occurrence(entry, source, details.startDate, details.endDate));
  }
}

export function readIcsRota(text: string, window: ReadWindow): RotaRead {
  let root: Component;
  try {
    const parsed = ICAL.parse(text) as unknown[];
    // A file of several calendars is read as its first.
    root = new ICAL.Component((Array.isArray(parsed[0]) ? parsed[0] : parsed) as unknown[]);
    if (root.name !== 'vcalendar') throw new Error('not a calendar');
  } catch {
    return { entries: [], problems: [{ entry: 0, code: 'MALFORMED_FILE' }] };
  }
  ICAL.TimezoneService.reset();
  try {
    for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    return readEvents(root, window);
  } catch {
    return { entries: [], problems: [{ entry: 0, code: 'MALFORMED_FILE' }] };
  } finally {
    ICAL.TimezoneService.reset();
  }
}

function readEvents(root: Component, window: ReadWindow): RotaRead {
  const entries: RotaEntry[] = [];
  const problems: ScheduleProblem[] = [];
  const components = root.getAllSubcomponents('vevent');
  const budget = { steps: 0 };
  const problem = (entry: number, error: unknown) =>
    problems.push({ entry, code: error instanceof EntryProblem ? error.code : 'MALFORMED_FILE' });
  // Changed occurrences (RECURRENCE-ID) belong to their series: related to it first, then the
  // series is expanded with them; one whose series is not in the file is read alone.
  const series = new Map<string, Event>();
  for (const component of components)
    if (!component.hasProperty('recurrence-id')) series.set(textOf(component, 'uid'), new ICAL.Event(component));
  const alone: number[] = [];
  components.forEach((component, index) => {
    if (!component.hasProperty('recurrence-id')) return;
    const head = series.get(textOf(component, 'uid'));
    if (head === undefined) return void alone.push(index);
    try {
      head.relateException(component);
    } catch (error) {
      problem(index + 1, error);
    }
  });
  components.forEach((component, index) => {
    const entry = index + 1;
    if (component.hasProperty('recurrence-id') && !alone.includes(index)) return;
    try {
      if (textOf(component, 'status').toUpperCase() === 'CANCELLED') return;
      const head = series.get(textOf(component, 'uid'));
      const event = head !== undefined && head.component === component ? head : new ICAL.Event(component);
      if (event.isRecurring()) entries.push(...expand(entry, event, window, budget));
      else entries.push(occurrence(entry, component, event.startDate, event.endDate));
    } catch (error) {
      problem(entry, error);
    }
  });
  return { entries, problems };
}
