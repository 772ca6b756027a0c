/** The retention bound and the daily schedule, decided without I/O (server/retention/message-retention.ts). */
import { describe, expect, it } from 'vitest';
import { DAY_MS, isRetentionDays, lastRunDueBy, retentionBound } from '../../../server/retention/message-retention';
import { DEFAULT_MESSAGE_RETENTION_DAYS } from '../../../shared/protocol/retention-days';

const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);

describe('the message retention bound', () => {
  it('defaults to six years, as the audit trail', () => {
    expect(DEFAULT_MESSAGE_RETENTION_DAYS).toBe(2190);
    expect(isRetentionDays(DEFAULT_MESSAGE_RETENTION_DAYS)).toBe(true);
  });

  it('counts whole days back from now; what was accepted exactly then is not yet due', () => {
    expect(retentionBound(30, NOW)).toEqual({ days: 30, acceptedBefore: NOW - 30 * DAY_MS });
    expect(retentionBound(2190, NOW).acceptedBefore).toBe(Date.UTC(2020, 11, 8, 9, 0, 0));
  });

  it('never reaches before the epoch, which the trail could not record', () => {
    expect(retentionBound(36_500, Date.UTC(2026, 0, 1))).toEqual({ days: 36_500, acceptedBefore: 0 });
  });

  it('takes only whole days from 30 to 36500', () => {
    for (const days of [30, 31, 2190, 36_500]) expect(isRetentionDays(days), String(days)).toBe(true);
    for (const days of [29, 0, -30, 36_501, 30.5, Number.NaN, Number.POSITIVE_INFINITY, '2190', null])
      expect(isRetentionDays(days), String(days)).toBe(false);
  });

  it('makes a scheduled run due a whole day after the last one finished', () => {
    expect(lastRunDueBy(NOW)).toBe(NOW - DAY_MS);
  });
});
