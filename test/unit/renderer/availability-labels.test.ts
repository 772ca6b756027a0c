import { describe, expect, it } from 'vitest';
import {
  availabilityLine,
  coverNotices,
  stateNow,
  untilOf,
} from '../../../renderer/src/availability/availability-labels';
import type { Availability } from '../../../shared/protocol/availability';

const NOW = Date.UTC(2026, 11, 7, 9, 0);
const UTC = { locale: 'en-GB', timeZone: 'UTC' };
const offDuty = {
  state: 'off-duty',
  until: NOW + 8 * 3_600_000,
  cover: { userId: 'dr.nguyen', displayName: 'Dr. Minh Nguyen' },
} as const satisfies Availability;

describe('how availability is worded', () => {
  it('says the state in words with its time, and the cover when off duty', () => {
    expect(availabilityLine({ state: 'busy', until: NOW + 90 * 60_000, cover: null }, NOW, UTC)).toBe(
      'Busy (in procedure) until 10:30',
    );
    expect(availabilityLine({ state: 'dnd', until: NOW + 60_000, cover: null }, NOW, UTC)).toBe(
      'Do not disturb until 09:01',
    );
    expect(availabilityLine(offDuty, NOW, UTC)).toBe('Off duty until 17:00, covered by Dr. Minh Nguyen');
  });

  it('is Available, with nothing to say, once the time has passed', () => {
    expect(availabilityLine(offDuty, offDuty.until, UTC)).toBeNull();
    expect(stateNow(offDuty, offDuty.until)).toBe('available');
    expect(stateNow(offDuty, NOW)).toBe('off-duty');
    expect(availabilityLine(null, NOW)).toBeNull();
  });

  it('turns the quick choices into times, and refuses a custom time that is past or too far', () => {
    expect(untilOf('hour', NOW)).toBe(NOW + 3_600_000);
    expect(untilOf('shift', NOW)).toBe(NOW + 8 * 3_600_000);
    const tomorrow = new Date(untilOf('tomorrow', NOW) ?? 0);
    expect([tomorrow.getHours(), tomorrow.getMinutes()]).toEqual([8, 0]);
    expect(tomorrow.getTime() - NOW).toBeGreaterThan(0);
    expect(tomorrow.getTime() - NOW).toBeLessThanOrEqual(48 * 3_600_000);
    expect(untilOf('custom', NOW, '')).toBeNull();
    expect(untilOf('custom', NOW, 'tomorrow')).toBeNull();
    expect(untilOf('custom', NOW, '2020-01-01T08:00')).toBeNull();
    expect(untilOf('custom', NOW, '2027-06-01T08:00')).toBeNull();
    expect(untilOf('custom', NOW, '2026-12-09T08:00')).toBe(new Date('2026-12-09T08:00').getTime());
  });

  it('tells the sender, before sending, who covers for someone off duty', () => {
    expect(
      coverNotices(
        [
          { name: 'Dr. Anika Patel', availability: offDuty },
          { name: 'Grace Adams', availability: { state: 'dnd', until: NOW + 60_000, cover: null } },
          { name: 'Dr. Kim', availability: { ...offDuty, cover: null } },
        ],
        NOW,
      ),
    ).toEqual(['Dr. Anika Patel is off duty; Dr. Minh Nguyen (covering) will also receive this']);
    expect(coverNotices([{ name: 'Dr. Anika Patel', availability: offDuty }], offDuty.until)).toEqual([]);
  });
});
