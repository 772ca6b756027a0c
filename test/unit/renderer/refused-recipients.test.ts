/**
 * Compose and roles that receive no messages: such people cannot be chosen, role addresses
 * count only members who receive, and RECIPIENT_NOT_PERMITTED names the refused recipients by
 * the names the form shows, with what to do, never just a code.
 */
import { describe, expect, it } from 'vitest';
import { recipientChoice } from '../../../renderer/src/messaging/compose/recipient-choice';
import { notPermittedText } from '../../../renderer/src/messaging/compose/refused-recipients';
import { DEFAULT_ESCALATION_TIMES } from '../../../shared/protocol/escalation';

const person = (userId: string, displayName: string, role: 'physician' | 'compliance-officer' | 'it-admin') =>
  recipientChoice({
    kind: 'user',
    userId,
    displayName,
    role,
    department: 'Admin',
    title: 'Staff',
    active: true,
    fingerprint: 'a'.repeat(64),
    availability: null,
  });

const doctor = person('dr.osei', 'Kofi Osei', 'physician');
const officer = person('co.marsh', 'Rita Marsh', 'compliance-officer');
const admin = person('it.ng', 'Sam Ng', 'it-admin');

describe('recipient choices', () => {
  it('cannot choose a compliance officer or an IT administrator, and says why', () => {
    expect([doctor, officer, admin].map((choice) => choice.unavailable)).toEqual([
      null,
      'Does not receive secure messages',
      'Does not receive secure messages',
    ]);
  });

  it('count and name only the members of a role address who receive messages', () => {
    const member = (userId: string, role: 'physician' | 'compliance-officer') => ({
      kind: 'user' as const,
      userId,
      displayName: userId,
      role,
      department: 'Cardiology',
      title: 'Staff',
      active: true,
      fingerprint: 'b'.repeat(64),
      availability: null,
    });
    const address = (members: ReturnType<typeof member>[]) =>
      recipientChoice({
        kind: 'role',
        addressId: 'role:nights',
        displayName: 'Nights',
        department: 'Cardiology',
        description: 'On nights',
        members,
        onCall: [],
        escalation: DEFAULT_ESCALATION_TIMES,
      });
    const mixed = address([member('dr.a', 'physician'), member('co.b', 'compliance-officer')]);
    expect(mixed.people.map((person) => person.userId)).toEqual(['dr.a']);
    expect(mixed.unavailable).toBeNull();
    expect(address([member('co.b', 'compliance-officer')]).unavailable).toBe('No one holds this role right now');
  });
});

describe('notPermittedText', () => {
  it('names one refused recipient and says what to do', () => {
    expect(notPermittedText([doctor, officer], ['co.marsh'])).toBe(
      'Rita Marsh works in a role that does not receive secure messages (compliance and IT staff use Wardline for other work). Remove them from To.',
    );
  });

  it('names several, once each, in the order the server gave', () => {
    expect(notPermittedText([officer, doctor, admin], ['it.ng', 'co.marsh', 'it.ng'])).toMatch(
      /^Sam Ng and Rita Marsh work in roles that do not receive secure messages/,
    );
  });

  it('falls back to the id for someone the form does not hold, and to plain words for no one', () => {
    expect(notPermittedText([doctor], ['co.other'])).toMatch(/^co\.other works in a role/);
    expect(notPermittedText([doctor], [])).toBe(
      'A recipient works in a role that does not receive secure messages. Remove them from To.',
    );
  });
});
