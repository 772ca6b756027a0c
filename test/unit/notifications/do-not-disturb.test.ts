import { describe, expect, it } from 'vitest';
import { noticeHeldBack } from '../../../main/notifications/do-not-disturb';
import type { Availability } from '../../../shared/protocol/availability';

const NOW = 1_800_000_000_000;
const dnd: Availability = { state: 'dnd', until: NOW + 60_000, cover: null };

describe('do not disturb holds back notices', () => {
  it('holds back routine and urgent notices while do not disturb is in force', () => {
    expect(noticeHeldBack('routine', dnd, NOW)).toBe(true);
    expect(noticeHeldBack('urgent', dnd, NOW)).toBe(true);
  });

  it('never holds back STAT: STAT overrides do not disturb', () => {
    expect(noticeHeldBack('stat', dnd, NOW)).toBe(false);
  });

  it('holds back nothing once do not disturb has expired, by the injected clock', () => {
    expect(noticeHeldBack('routine', dnd, NOW + 59_999)).toBe(true);
    expect(noticeHeldBack('routine', dnd, NOW + 60_000)).toBe(false);
    expect(noticeHeldBack('urgent', dnd, NOW + 3_600_000)).toBe(false);
  });

  it('holds back nothing when available, busy or off duty', () => {
    for (const own of [
      null,
      { state: 'busy', until: NOW + 60_000, cover: null },
      { state: 'off-duty', until: NOW + 60_000, cover: { userId: 'dr.nguyen', displayName: 'Dr. Minh Nguyen' } },
    ] satisfies Availability[])
      for (const priority of ['routine', 'urgent', 'stat'] as const)
        expect(noticeHeldBack(priority, own, NOW)).toBe(false);
  });
});
