/**
 * Reading iCalendar rotas (shared/schedule/ics-shifts.ts through schedule-import.ts): weekly
 * recurrences expanded within the window with their changed and cancelled occurrences, time
 * zones from the file's VTIMEZONE across a DST change, people from attendees or a summary, and
 * every entry that cannot be a shift refused by code, never guessed.
 */
import { describe, expect, it } from 'vitest';
import type { RotaMember } from '../../../shared/schedule/member-match';
import { readSchedule } from '../../../shared/schedule/schedule-import';
import { calendar, DST_NIGHT, event, WEEKLY_ROTA } from './rota-fixtures';

const MEMBERS: RotaMember[] = [
  { userId: 'dr.patel', displayName: 'Anika Patel' },
  { userId: 'dr.nguyen', displayName: 'Minh Nguyen' },
  { userId: 'dr.okafor', displayName: 'Chidi Okafor' },
  { userId: 'dr.lee', displayName: 'Sam Lee' },
  { userId: 'dr.lee2', displayName: 'Sam  lee' },
];
const DAY = 24 * 3_600_000;
const WINDOW = { from: Date.UTC(2026, 8, 1), to: Date.UTC(2027, 8, 1) };
const utc = (iso: string) => Date.parse(iso);
const read = (text: string, window = WINDOW) => readSchedule('ics', text, MEMBERS, window);

describe('iCalendar rotas', () => {
  it('expands a weekly rota in its own time zone, across the clocks going back, with its swap and cancellation', () => {
    const { shifts, problems } = read(WEEKLY_ROTA);
    expect(problems).toEqual([]);
    expect(shifts.map((shift) => [new Date(shift.startsAt).toISOString(), shift.endsAt - shift.startsAt])).toEqual([
      // British Summer Time: 08:00 in London is 07:00 UTC.
      ['2026-10-05T07:00:00.000Z', 12 * 3_600_000],
      ['2026-10-12T07:00:00.000Z', 12 * 3_600_000],
      ['2026-10-19T07:00:00.000Z', 12 * 3_600_000],
      // From 25 October, Greenwich Mean Time.
      ['2026-10-26T08:00:00.000Z', 12 * 3_600_000],
      ['2026-11-02T08:00:00.000Z', 12 * 3_600_000],
      ['2026-11-09T08:00:00.000Z', 12 * 3_600_000],
      // 16 November is an EXDATE.
      ['2026-11-23T08:00:00.000Z', 12 * 3_600_000],
    ]);
    expect(shifts.map((shift) => [shift.userId, shift.backupUserId])).toEqual([
      ['dr.patel', 'dr.nguyen'],
      ['dr.patel', 'dr.nguyen'],
      ['dr.patel', 'dr.nguyen'],
      ['dr.patel', 'dr.nguyen'],
      // The changed occurrence names Okafor and no backup.
      ['dr.okafor', null],
      ['dr.patel', 'dr.nguyen'],
      ['dr.patel', 'dr.nguyen'],
    ]);
    expect(new Set(shifts.map((shift) => shift.entry))).toEqual(new Set([1]));
  });

  it('expands a recurrence only within the window', () => {
    const window = { from: utc('2026-10-20T00:00:00Z'), to: utc('2026-11-05T00:00:00Z') };
    expect(read(WEEKLY_ROTA, window).shifts.map((shift) => shift.startsAt)).toEqual([
      utc('2026-10-26T08:00:00Z'),
      utc('2026-11-02T08:00:00Z'),
    ]);
  });

  it('reads the night the clocks go back as thirteen hours, and the person and backup from summary and description', () => {
    const { shifts, problems } = read(DST_NIGHT);
    expect(problems).toEqual([]);
    expect(shifts).toEqual([
      {
        entry: 1,
        userId: 'dr.patel',
        backupUserId: 'dr.nguyen',
        startsAt: utc('2026-10-24T19:00:00Z'),
        endsAt: utc('2026-10-25T08:00:00Z'),
      },
    ]);
  });

  it('takes UTC times and IANA zones the file names without defining', () => {
    const text = calendar(
      event('a', 'DTSTART:20261201T080000Z', 'DTEND:20261201T200000Z', 'ATTENDEE;CN=dr.okafor:mailto:x@y.example'),
      event(
        'b',
        'DTSTART;TZID=America/New_York:20261101T000000',
        'DTEND;TZID=America/New_York:20261101T120000',
        'SUMMARY:Night call Chidi Okafor',
      ),
    );
    const { shifts, problems } = read(text);
    expect(problems).toEqual([]);
    // New York leaves daylight time at 02:00 on 1 November 2026: midnight is EDT, noon EST.
    expect(shifts.map((shift) => [shift.startsAt, shift.endsAt])).toEqual([
      [utc('2026-12-01T08:00:00Z'), utc('2026-12-01T20:00:00Z')],
      [utc('2026-11-01T04:00:00Z'), utc('2026-11-01T17:00:00Z')],
    ]);
  });

  it('never lets one file’s VTIMEZONE decide another file’s times', () => {
    const lying = `${[
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//x//EN',
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Paris',
      'BEGIN:STANDARD',
      'TZOFFSETFROM:+0500',
      'TZOFFSETTO:+0500',
      'DTSTART:19700101T000000',
      'END:STANDARD',
      'END:VTIMEZONE',
      ...event(
        'x',
        'DTSTART;TZID=Europe/Paris:20261201T080000',
        'DTEND;TZID=Europe/Paris:20261201T200000',
        'SUMMARY:Sam Lee',
      ),
      'END:VCALENDAR',
    ].join('\r\n')}\r\n`;
    read(lying);
    const honest = calendar(
      event(
        'y',
        'DTSTART;TZID=Europe/Paris:20261201T080000',
        'DTEND;TZID=Europe/Paris:20261201T200000',
        'SUMMARY:Anika Patel',
      ),
    );
    expect(read(honest).shifts.map((shift) => shift.startsAt)).toEqual([utc('2026-12-01T07:00:00Z')]);
  });

  it('refuses what is not a shift, by event and code, and keeps reading the rest', () => {
    const text = calendar(
      // 1: all day, 2: floating, 3: unknown zone, 4: hourly, 5: two people, 6: nobody known,
      // 7: a name two members share, 8: backup is the person, 9: eight days, 10: ends first,
      // 11: outside the window, 12: cancelled (skipped), 13: fine.
      event('1', 'DTSTART;VALUE=DATE:20261201', 'DTEND;VALUE=DATE:20261202', 'SUMMARY:Anika Patel'),
      event('2', 'DTSTART:20261201T080000', 'DTEND:20261201T200000', 'SUMMARY:Anika Patel'),
      event(
        '3',
        'DTSTART;TZID=Mars/Olympus:20261201T080000',
        'DTEND;TZID=Mars/Olympus:20261201T200000',
        'SUMMARY:Anika Patel',
      ),
      event(
        '4',
        'DTSTART:20261201T080000Z',
        'DTEND:20261201T090000Z',
        'RRULE:FREQ=HOURLY;COUNT=5',
        'SUMMARY:Anika Patel',
      ),
      event('5', 'DTSTART:20261201T080000Z', 'DTEND:20261201T200000Z', 'SUMMARY:Anika Patel and Minh Nguyen'),
      event('6', 'DTSTART:20261201T080000Z', 'DTEND:20261201T200000Z', 'ATTENDEE;CN=Gregory House:mailto:h@x.example'),
      event('7', 'DTSTART:20261201T080000Z', 'DTEND:20261201T200000Z', 'ATTENDEE;CN=Sam Lee:mailto:s@x.example'),
      event(
        '8',
        'DTSTART:20261201T080000Z',
        'DTEND:20261201T200000Z',
        'ATTENDEE;CN=Anika Patel:mailto:a@x.example',
        'ATTENDEE;CN=dr.patel;ROLE=OPT-PARTICIPANT:mailto:a@x.example',
      ),
      event('9', 'DTSTART:20261201T080000Z', 'DTEND:20261209T080000Z', 'SUMMARY:Anika Patel'),
      event('10', 'DTSTART:20261201T080000Z', 'DTEND:20261201T070000Z', 'SUMMARY:Anika Patel'),
      event('11', 'DTSTART:20200101T080000Z', 'DTEND:20200101T200000Z', 'SUMMARY:Anika Patel'),
      event('12', 'DTSTART:20261201T080000Z', 'DTEND:20261201T200000Z', 'STATUS:CANCELLED', 'SUMMARY:Anika Patel'),
      event('13', 'DTSTART:20261202T080000Z', 'DTEND:20261202T200000Z', 'SUMMARY:Cardiology: dr.nguyen'),
    );
    const { shifts, problems } = read(text);
    expect(problems).toEqual([
      { entry: 1, code: 'ALL_DAY_EVENT' },
      { entry: 2, code: 'FLOATING_TIME' },
      { entry: 3, code: 'UNKNOWN_TIME_ZONE' },
      { entry: 4, code: 'RECURRENCE_UNSUPPORTED' },
      { entry: 5, code: 'AMBIGUOUS_PERSON' },
      { entry: 6, code: 'UNKNOWN_PERSON' },
      { entry: 7, code: 'AMBIGUOUS_PERSON' },
      { entry: 8, code: 'BACKUP_IS_PERSON' },
      { entry: 9, code: 'SHIFT_TOO_LONG' },
      { entry: 10, code: 'END_NOT_AFTER_START' },
      { entry: 11, code: 'OUTSIDE_WINDOW' },
    ]);
    expect(shifts.map((shift) => [shift.entry, shift.userId])).toEqual([[13, 'dr.nguyen']]);
  });

  it('refuses a recurrence that would run too long to expand, and a file that is no calendar', () => {
    const endless = calendar(
      event('old', 'DTSTART:19000101T080000Z', 'DTEND:19000101T200000Z', 'RRULE:FREQ=DAILY', 'SUMMARY:Anika Patel'),
    );
    expect(read(endless).problems).toEqual([{ entry: 1, code: 'RECURRENCE_UNSUPPORTED' }]);
    for (const text of ['', 'not a calendar', 'BEGIN:VCARD\r\nEND:VCARD\r\n', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n'])
      expect(read(text).problems, text).toEqual([{ entry: 0, code: 'MALFORMED_FILE' }]);
  });

  it('bounds the work of a file of many long series: the rest are problems, soon', () => {
    const series = Array.from({ length: 60 }, (_, index) =>
      event(
        `old-${String(index)}`,
        'DTSTART:19900101T080000Z',
        'DTEND:19900101T200000Z',
        'RRULE:FREQ=DAILY',
        'SUMMARY:Anika Patel',
      ),
    );
    const started = performance.now();
    const { shifts, problems } = read(calendar(...series));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(shifts).toEqual([]);
    expect(problems).toHaveLength(60);
    expect(new Set(problems.map((problem) => problem.code))).toEqual(new Set(['RECURRENCE_UNSUPPORTED']));
  });

  it('reads a year of daily shifts quickly, and stops at the import limit', () => {
    const daily = calendar(
      event(
        'daily',
        'DTSTART:20261001T080000Z',
        'DTEND:20261001T200000Z',
        'RRULE:FREQ=DAILY',
        'ATTENDEE;CN=Anika Patel:mailto:a@x.example',
      ),
      event('night', 'DTSTART:20261001T200000Z', 'DTEND:20261002T080000Z', 'RRULE:FREQ=DAILY', 'SUMMARY:Minh Nguyen'),
    );
    const window = { from: utc('2026-10-01T00:00:00Z'), to: utc('2026-10-01T00:00:00Z') + 400 * DAY };
    const started = performance.now();
    const { shifts, problems } = read(daily, window);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(shifts).toHaveLength(400 + 400);
    const twice = read(
      calendar(
        event(
          'a',
          'DTSTART:20261001T080000Z',
          'DTEND:20261001T200000Z',
          'RRULE:FREQ=DAILY;COUNT=2100',
          'SUMMARY:Minh Nguyen',
        ),
      ),
      {
        from: utc('2026-10-01T00:00:00Z'),
        to: utc('2032-10-01T00:00:00Z'),
      },
    );
    expect(problems).toEqual([]);
    expect(twice.shifts).toHaveLength(2000);
    expect(twice.problems).toEqual([{ entry: 1, code: 'TOO_MANY_SHIFTS' }]);
  });
});
