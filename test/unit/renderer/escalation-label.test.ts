import { describe, expect, it } from 'vitest';
import { escalated, escalationLines } from '../../../renderer/src/messaging/message/escalation-label';

const time = (at: number) => `t${String(at)}`;
const steps = [
  { reason: 'backup' as const, names: ['Dr. Nguyen'], dueAt: 300, releasedAt: null as number | null },
  { reason: 'role' as const, names: ['A', 'B', 'C', 'D', 'E'], dueAt: 600, releasedAt: null as number | null },
];
const message = (overrides: { released?: (number | null)[]; realerts?: number; by?: number } = {}) => ({
  text: 'Bed 2 VF arrest',
  acknowledgement: {
    requested: true,
    by: Array.from({ length: overrides.by ?? 0 }, () => ({ userId: 'dr.x', name: 'X', reply: null, at: 1 })),
    canAcknowledge: false,
  },
  escalation: {
    steps: steps.map((step, index) => ({ ...step, releasedAt: overrides.released?.[index] ?? null })),
    realerts: overrides.realerts ?? 0,
    lastRealertAt: (overrides.realerts ?? 0) > 0 ? 250 : null,
  },
});

describe('escalation wording', () => {
  it('says what comes next while nobody has acknowledged', () => {
    expect(escalationLines(message(), time)).toEqual(['Escalates to Dr. Nguyen (backup) at t300 unless acknowledged']);
    expect(escalated(message())).toBe(false);
  });

  it('names each released step and the re-alerts, then the next step', () => {
    expect(escalationLines(message({ released: [301], realerts: 2 }), time)).toEqual([
      'Re-alerted 2 times, last at t250',
      'Escalated to Dr. Nguyen (backup), t301',
      'Escalates to everyone in the role: A, B, C and 2 more at t600 unless acknowledged',
    ]);
    expect(escalated(message({ released: [301] }))).toBe(true);
  });

  it('stops announcing what comes next once acknowledged', () => {
    expect(escalationLines(message({ released: [301], by: 1 }), time)).toEqual([
      'Escalated to Dr. Nguyen (backup), t301',
    ]);
    expect(escalationLines({ ...message(), escalation: null }, time)).toEqual([]);
  });
});
