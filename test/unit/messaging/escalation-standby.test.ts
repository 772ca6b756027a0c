import { describe, expect, it } from 'vitest';
import { plannedParticipants, standbyParticipants } from '../../../main/messaging/escalation-standby';

const MINUTE = 60_000;
const plan = {
  repeatEveryMs: null,
  steps: [
    { afterMs: 5 * MINUTE, to: ['dr.backup'], reason: 'backup' as const },
    { afterMs: 10 * MINUTE, to: ['dr.a', 'dr.b'], reason: 'role' as const },
  ],
};

describe('who a reply in an escalated conversation leaves out', () => {
  it('is everyone in a step not released', () => {
    expect([...standbyParticipants([{ senderId: 'nurse', plan, releasedSteps: [] }])].sort()).toEqual([
      'dr.a',
      'dr.b',
      'dr.backup',
    ]);
    expect([...standbyParticipants([{ senderId: 'nurse', plan, releasedSteps: [0] }])].sort()).toEqual([
      'dr.a',
      'dr.b',
    ]);
    expect(standbyParticipants([{ senderId: 'nurse', plan, releasedSteps: [0, 1] }]).size).toBe(0);
  });

  it('never someone another message reached, or who sent one of them', () => {
    const later = {
      senderId: 'dr.a',
      plan: { repeatEveryMs: null, steps: [{ afterMs: 5 * MINUTE, to: ['dr.b'], reason: 'backup' as const }] },
      releasedSteps: [0],
    };
    expect([...standbyParticipants([{ senderId: 'nurse', plan, releasedSteps: [] }, later])]).toEqual(['dr.backup']);
  });

  it('may name only people some plan named', () => {
    expect([...plannedParticipants([{ senderId: 'nurse', plan, releasedSteps: [1] }])].sort()).toEqual([
      'dr.a',
      'dr.b',
      'dr.backup',
    ]);
    expect(plannedParticipants([]).size).toBe(0);
  });
});
