import { describe, expect, it } from 'vitest';
import { alertTimes, escalationPlan, MAX_REPEATS } from '../../../shared/protocol/escalation';

const MINUTE = 60_000;
const step = (afterMs: number, to: string[], reason: 'backup' | 'role' = 'backup') => ({ afterMs, to, reason });

describe('escalation plan', () => {
  it('schedules re-alerts between steps and a bounded few after the last', () => {
    const plan = { repeatEveryMs: 2 * MINUTE, steps: [step(5 * MINUTE, ['dr.b']), step(9 * MINUTE, ['dr.c'], 'role')] };
    expect(alertTimes(plan).map((alert) => [alert.afterMs / MINUTE, alert.step])).toEqual([
      [2, null],
      [4, null],
      [5, 0],
      [7, null],
      [9, 1],
      [11, null],
      [13, null],
      [15, null],
    ]);
    expect(alertTimes({ repeatEveryMs: null, steps: plan.steps }).map((alert) => alert.step)).toEqual([0, 1]);
  });

  it('never schedules more than MAX_REPEATS re-alerts, however short the interval', () => {
    const plan = { repeatEveryMs: MINUTE, steps: [step(24 * 60 * MINUTE, ['dr.b'])] };
    expect(alertTimes(plan).filter((alert) => alert.step === null)).toHaveLength(MAX_REPEATS);
  });

  it('refuses steps out of order, a person twice, an empty plan, and delays out of bounds', () => {
    const ok = { repeatEveryMs: MINUTE, steps: [step(2 * MINUTE, ['dr.b']), step(3 * MINUTE, ['dr.c'])] };
    expect(escalationPlan.safeParse(ok).success).toBe(true);
    for (const bad of [
      { ...ok, steps: [step(3 * MINUTE, ['dr.b']), step(2 * MINUTE, ['dr.c'])] },
      { ...ok, steps: [step(2 * MINUTE, ['dr.b']), step(3 * MINUTE, ['dr.b'])] },
      { repeatEveryMs: null, steps: [] },
      { ...ok, repeatEveryMs: 1000 },
      { ...ok, steps: [step(25 * 60 * MINUTE, ['dr.b'])] },
    ])
      expect(escalationPlan.safeParse(bad).success).toBe(false);
  });
});
