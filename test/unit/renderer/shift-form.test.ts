/**
 * The schedule form's rules (renderer/src/admin/roles/shift-form.ts): the server's bounds met
 * before sending, local times read as the workstation's, and rota files named by their format.
 */
import { describe, expect, it } from 'vitest';
import { SCHEDULE_PROBLEMS } from '../../../shared/protocol/admin-schedule-api';
import {
  checkShift,
  entryText,
  instantOf,
  localInputOf,
  problemText,
  scheduleFormatOf,
} from '../../../renderer/src/admin/roles/shift-form';

const ADDRESS = 'role:oncall-cardiology';
const form = { userId: 'dr.patel', backupUserId: '', startsAt: '2026-12-07T08:00', endsAt: '2026-12-07T20:00' };

describe('the shift form', () => {
  it('sends local times as instants, and no backup as null', () => {
    expect(checkShift(ADDRESS, form)).toEqual({
      ok: true,
      value: {
        addressId: ADDRESS,
        userId: 'dr.patel',
        backupUserId: null,
        startsAt: new Date(2026, 11, 7, 8).getTime(),
        endsAt: new Date(2026, 11, 7, 20).getTime(),
      },
    });
    expect(localInputOf(new Date(2026, 11, 7, 8, 5).getTime())).toBe('2026-12-07T08:05');
    expect(instantOf(localInputOf(new Date(2026, 0, 2, 3, 4).getTime()))).toBe(new Date(2026, 0, 2, 3, 4).getTime());
  });

  it('refuses what the server would: no person, the backup as the person, reversed, over a week, no times', () => {
    expect(checkShift(ADDRESS, { ...form, userId: '' })).toEqual({
      ok: false,
      error: { userId: 'Choose who is on call.' },
    });
    expect(checkShift(ADDRESS, { ...form, backupUserId: 'dr.patel' })).toMatchObject({
      ok: false,
      error: { backupUserId: 'The backup must be someone else.' },
    });
    expect(checkShift(ADDRESS, { ...form, endsAt: form.startsAt })).toMatchObject({
      ok: false,
      error: { endsAt: expect.any(String) as string },
    });
    expect(checkShift(ADDRESS, { ...form, endsAt: '2026-12-14T08:01' })).toMatchObject({
      ok: false,
      error: { endsAt: 'A shift lasts at most 7 days.' },
    });
    expect(checkShift(ADDRESS, { ...form, startsAt: '', endsAt: 'tomorrow' })).toMatchObject({
      ok: false,
      error: { startsAt: expect.any(String) as string, endsAt: expect.any(String) as string },
    });
  });

  it('names rota files by format, and every problem code in words', () => {
    expect(scheduleFormatOf('Cardiology Rota.ICS')).toBe('ics');
    expect(scheduleFormatOf('rota.csv')).toBe('csv');
    expect(scheduleFormatOf('rota.xlsx')).toBeNull();
    for (const code of SCHEDULE_PROBLEMS) expect(problemText(code).length).toBeGreaterThan(10);
    expect([entryText('csv', 4), entryText('ics', 2), entryText('ics', 0)]).toEqual(['Line 4', 'Event 2', 'The file']);
  });
});
