import { describe, expect, it } from 'vitest';
import { coverRecipients } from '../../../main/messaging/cover-recipients';
import type { Availability } from '../../../shared/protocol/availability';

const NOW = 1_800_000_000_000;
const offDuty = (coverUserId: string | null, until = NOW + 3_600_000): Availability => ({
  state: 'off-duty',
  until,
  cover: coverUserId === null ? null : { userId: coverUserId, displayName: coverUserId },
});

const expand = (
  recipients: string[],
  availability: Record<string, Availability>,
  named: string[] = recipients,
  selfId = 'nurse.adams',
) =>
  coverRecipients({
    recipients,
    named: new Set(named),
    availabilityOf: (userId) => availability[userId],
    selfId,
    now: NOW,
  });

describe('a new message to someone off duty also goes to their cover', () => {
  it('adds the cover of a person named who is off duty, after the people named', () => {
    expect(expand(['dr.patel', 'nurse.lee'], { 'dr.patel': offDuty('dr.nguyen') })).toEqual({
      recipients: ['dr.patel', 'nurse.lee', 'dr.nguyen'],
      added: [{ forUserId: 'dr.patel', cover: { userId: 'dr.nguyen', displayName: 'dr.nguyen' } }],
    });
  });

  it('adds nobody for busy, do not disturb, off duty without a cover, or an off duty that has expired', () => {
    const busy: Availability = { state: 'busy', until: NOW + 60_000, cover: null };
    const dnd: Availability = { state: 'dnd', until: NOW + 60_000, cover: null };
    for (const availability of [busy, dnd, offDuty(null), offDuty('dr.nguyen', NOW), null])
      expect(expand(['dr.patel'], { 'dr.patel': availability })).toEqual({ recipients: ['dr.patel'], added: [] });
    expect(expand(['dr.patel'], {})).toEqual({ recipients: ['dr.patel'], added: [] });
  });

  it('never adds the sender, nor someone already a recipient, nor anyone twice', () => {
    expect(expand(['dr.patel'], { 'dr.patel': offDuty('nurse.adams') }).added).toEqual([]);
    expect(expand(['dr.patel', 'dr.nguyen'], { 'dr.patel': offDuty('dr.nguyen') }).recipients).toEqual([
      'dr.patel',
      'dr.nguyen',
    ]);
    expect(
      expand(['dr.patel', 'dr.kim'], { 'dr.patel': offDuty('dr.nguyen'), 'dr.kim': offDuty('dr.nguyen') }).recipients,
    ).toEqual(['dr.patel', 'dr.kim', 'dr.nguyen']);
  });

  it('goes one step only: a cover who is off duty does not pass it on', () => {
    const result = expand(['dr.patel'], { 'dr.patel': offDuty('dr.nguyen'), 'dr.nguyen': offDuty('dr.kim') });
    expect(result.recipients).toEqual(['dr.patel', 'dr.nguyen']);
  });

  it('leaves members reached through a role address to the role', () => {
    expect(expand(['dr.patel'], { 'dr.patel': offDuty('dr.nguyen') }, []).recipients).toEqual(['dr.patel']);
  });
});
