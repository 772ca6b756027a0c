/**
 * Reading CSV rotas (shared/schedule/csv-shifts.ts through schedule-import.ts): a spreadsheet's
 * BOM, CRLF and quoted fields; times only with an offset; people by user id or a display name
 * exactly one member has; each bad row refused by its line and a code.
 */
import { describe, expect, it } from 'vitest';
import { isoTimeMs } from '../../../shared/schedule/csv-shifts';
import type { RotaMember } from '../../../shared/schedule/member-match';
import { readSchedule } from '../../../shared/schedule/schedule-import';
import { csv } from './rota-fixtures';

const MEMBERS: RotaMember[] = [
  { userId: 'dr.patel', displayName: 'Anika Patel' },
  { userId: 'dr.nguyen', displayName: 'Nguyen, Minh' },
  { userId: 'dr.lee', displayName: 'Sam Lee' },
  { userId: 'dr.lee2', displayName: 'Sam Lee' },
];
const WINDOW = { from: Date.UTC(2026, 8, 1), to: Date.UTC(2027, 8, 1) };
const utc = (iso: string) => Date.parse(iso);
const read = (text: string) => readSchedule('csv', text, MEMBERS, WINDOW);

describe('CSV rotas', () => {
  it('reads a spreadsheet export: BOM, CRLF, quoted names with commas, offsets, blank lines', () => {
    const { shifts, problems } = read(
      csv(
        '2026-12-07T08:00:00+01:00,2026-12-07T20:00:00+01:00,dr.patel,"Nguyen, Minh"',
        '',
        '"2026-12-07 20:00Z","2026-12-08T08:00:00.000Z","  anika   PATEL ",',
      ),
    );
    expect(problems).toEqual([]);
    expect(shifts).toEqual([
      {
        entry: 2,
        userId: 'dr.patel',
        backupUserId: 'dr.nguyen',
        startsAt: utc('2026-12-07T07:00:00Z'),
        endsAt: utc('2026-12-07T19:00:00Z'),
      },
      {
        entry: 4,
        userId: 'dr.patel',
        backupUserId: null,
        startsAt: utc('2026-12-07T20:00:00Z'),
        endsAt: utc('2026-12-08T08:00:00Z'),
      },
    ]);
  });

  it('takes the columns in any order and without a backup column', () => {
    const text =
      'Person,End,Start\n"Sam Lee",2026-12-07T20:00:00-05:00,2026-12-07T08:00:00-05:00\ndr.lee,2026-12-07T20:00:00-0500,2026-12-07T08:00-05\n';
    const { shifts, problems } = read(text);
    expect(problems).toEqual([{ entry: 2, code: 'AMBIGUOUS_PERSON' }]);
    expect(shifts).toEqual([
      {
        entry: 3,
        userId: 'dr.lee',
        backupUserId: null,
        startsAt: utc('2026-12-07T13:00:00Z'),
        endsAt: utc('2026-12-08T01:00:00Z'),
      },
    ]);
  });

  it('refuses each bad row by its line, and counts lines through a quoted line break', () => {
    const { shifts, problems } = read(
      csv(
        '2026-12-07T08:00:00,2026-12-07T20:00:00Z,dr.patel,', // 2: no offset
        '2026-02-30T08:00:00Z,2026-03-01T08:00:00Z,dr.patel,', // 3: no such date
        '2026-12-07T08:00:00Z,2026-12-07T20:00:00Z,Gregory House,', // 4: nobody
        '2026-12-07T08:00:00Z,2026-12-07T20:00:00Z,dr.patel,Anika Patel', // 5: backup is the person
        '2026-12-07T08:00:00Z,2026-12-07T20:00:00Z,,dr.patel', // 6: no person
        '2026-12-07T08:00:00Z,2026-12-07T20:00:00Z,dr.patel', // 7: a field short
        '2026-12-07T08:00:00Z,2026-12-15T08:00:00Z,dr.patel,', // 8: eight days
        '2026-12-07T08:00:00Z,2026-12-07T08:00:00Z,dr.patel,', // 9: ends as it starts
        '2020-12-07T08:00:00Z,2020-12-07T20:00:00Z,dr.patel,', // 10: long past
        '2026-12-07T08:00:00Z,2026-12-07T20:00:00Z,dr.patel,"Sam', // 11-12: a line break inside quotes
        'Lee"',
        '2026-12-07T08:00:00Z,2026-12-07T20:00:00Z,dr.patel,nobody', // 13: unknown backup
        'yesterday,today,dr.patel,', // 14: not times
        '2026-12-08T08:00:00Z,2026-12-08T20:00:00Z,dr.lee,dr.patel', // 15: fine
      ),
    );
    expect(problems).toEqual([
      { entry: 2, code: 'BAD_TIME' },
      { entry: 3, code: 'BAD_TIME' },
      { entry: 4, code: 'UNKNOWN_PERSON' },
      { entry: 5, code: 'BACKUP_IS_PERSON' },
      { entry: 6, code: 'MISSING_PERSON' },
      { entry: 7, code: 'BAD_ROW' },
      { entry: 8, code: 'SHIFT_TOO_LONG' },
      { entry: 9, code: 'END_NOT_AFTER_START' },
      { entry: 10, code: 'OUTSIDE_WINDOW' },
      { entry: 12, code: 'AMBIGUOUS_BACKUP' },
      { entry: 13, code: 'UNKNOWN_BACKUP' },
      { entry: 14, code: 'BAD_TIME' },
    ]);
    expect(shifts.map((shift) => [shift.entry, shift.userId, shift.backupUserId])).toEqual([
      [15, 'dr.lee', 'dr.patel'],
    ]);
  });

  it('refuses a file without the header, with unknown or repeated columns, or with an open quote', () => {
    for (const text of [
      '',
      '2026-12-07T08:00:00Z,2026-12-07T20:00:00Z,dr.patel\n',
      'start,end,person,email\n',
      'start,end,person,person\n',
      'start,end,backup\n',
    ])
      expect(read(text).problems, text).toEqual([{ entry: expect.any(Number) as number, code: 'BAD_HEADER' }]);
    expect(read('start,end,person\n"2026-12-07T08:00:00Z,x,y\n').problems).toEqual([
      { entry: 0, code: 'MALFORMED_FILE' },
    ]);
  });

  it('reads ISO 8601 times only with an offset, and only real dates', () => {
    expect(isoTimeMs('2026-03-29T01:30:00+00:00')).toBe(utc('2026-03-29T01:30:00Z'));
    expect(isoTimeMs('2026-03-29T02:30:00.5+01:00')).toBe(utc('2026-03-29T01:30:00.500Z'));
    expect(isoTimeMs('2026-03-29T02:30:00-0930')).toBe(utc('2026-03-29T12:00:00Z'));
    for (const bad of [
      '2026-03-29',
      '2026-03-29T02:30:00',
      '2026-13-01T00:00Z',
      '2026-04-31T00:00Z',
      '2026-01-01T24:00Z',
      '2026-01-01T00:00+15:00',
      'now',
    ])
      expect(isoTimeMs(bad), bad).toBeNull();
  });
});
