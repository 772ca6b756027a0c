import { describe, expect, it } from 'vitest';
import { receiptFor } from '../../../renderer/src/messaging/message/receipt-label';
import { listTime, messageTime } from '../../../renderer/src/messaging/message/message-time';
import { priorityMarker } from '../../../renderer/src/messaging/message/priority';
import { nextActiveIndex } from '../../../renderer/src/messaging/conversations/list-navigation';
import { personDetails, roleAddressDetails } from '../../../renderer/src/people/person-details';

const out = { direction: 'out' as const, deliveredCount: 0, readCount: 0, recipientCount: 1 };

describe('receiptFor', () => {
  it('names each state of a direct message', () => {
    expect(receiptFor({ ...out, state: 'pending' })?.text).toBe('Pending');
    expect(receiptFor({ ...out, state: 'sent' })?.text).toBe('Sent');
    expect(receiptFor({ ...out, state: 'delivered', deliveredCount: 1 })?.text).toBe('Delivered');
    expect(receiptFor({ ...out, state: 'read', deliveredCount: 1, readCount: 1 })?.text).toBe('Read');
    expect(receiptFor({ ...out, state: 'failed' })).toEqual({ text: 'Failed', tone: 'failed' });
    expect(receiptFor({ ...out, state: 'held' })).toEqual({ text: 'Not sent: key changed', tone: 'failed' });
  });

  it('counts readers in a group, so nobody is assumed to have seen it', () => {
    expect(receiptFor({ ...out, state: 'read', recipientCount: 3, deliveredCount: 3, readCount: 2 })?.text).toBe(
      'Read by 2 of 3',
    );
    expect(receiptFor({ ...out, state: 'delivered', recipientCount: 3, deliveredCount: 1 })?.text).toBe(
      'Delivered to 1 of 3',
    );
    expect(receiptFor({ ...out, state: 'sent', recipientCount: 3 })?.text).toBe('Sent');
    expect(receiptFor({ ...out, state: 'pending', recipientCount: 3 })?.text).toBe('Pending');
  });

  it('shows nothing for incoming messages', () => {
    expect(receiptFor({ ...out, direction: 'in', state: 'received' })).toBeNull();
  });
});

describe('message times', () => {
  const zone = { locale: 'en-GB', timeZone: 'Europe/London' };
  const now = Date.UTC(2025, 5, 12, 15, 0);

  it('shows the clock for today, "Yesterday" for yesterday, the date before that', () => {
    expect(messageTime(Date.UTC(2025, 5, 12, 8, 5), now, zone)).toBe('09:05');
    expect(messageTime(Date.UTC(2025, 5, 11, 22, 30), now, zone)).toBe('Yesterday 23:30');
    expect(messageTime(Date.UTC(2025, 2, 3, 10, 0), now, zone)).toBe('3 Mar, 10:00');
    expect(messageTime(Date.UTC(2024, 11, 31, 10, 0), now, zone)).toBe('31 Dec 2024, 10:00');
  });

  it('keeps the list column short', () => {
    expect(listTime(Date.UTC(2025, 5, 12, 8, 5), now, zone)).toBe('09:05');
    expect(listTime(Date.UTC(2025, 5, 11, 8, 5), now, zone)).toBe('Yesterday');
    expect(listTime(Date.UTC(2025, 2, 3, 10, 0), now, zone)).toBe('3 Mar');
  });
});

describe('priority markers', () => {
  it('marks urgent and STAT, and leaves routine quiet', () => {
    expect(priorityMarker('routine')).toBeNull();
    expect(priorityMarker('urgent')).toBe('Urgent');
    expect(priorityMarker('stat')).toBe('STAT');
  });
});

describe('listbox navigation', () => {
  it('moves by one, by a page, and to the ends, within bounds', () => {
    expect(nextActiveIndex('ArrowDown', -1, 10, 5)).toBe(0);
    expect(nextActiveIndex('ArrowDown', 9, 10, 5)).toBe(9);
    expect(nextActiveIndex('ArrowUp', 0, 10, 5)).toBe(0);
    expect(nextActiveIndex('PageDown', 2, 10, 5)).toBe(7);
    expect(nextActiveIndex('PageDown', 7, 10, 5)).toBe(9);
    expect(nextActiveIndex('PageUp', 3, 10, 5)).toBe(0);
    expect(nextActiveIndex('Home', 6, 10, 5)).toBe(0);
    expect(nextActiveIndex('End', 0, 10, 5)).toBe(9);
    expect(nextActiveIndex('a', 0, 10, 5)).toBeNull();
    expect(nextActiveIndex('ArrowDown', 0, 0, 5)).toBeNull();
  });
});

describe('person details', () => {
  it('joins role, department and title, skipping blanks', () => {
    expect(personDetails({ role: 'physician', department: 'Cardiology', title: 'Consultant' })).toBe(
      'Physician · Cardiology · Consultant',
    );
    expect(personDetails({ role: 'nurse', department: ' ', title: null })).toBe('Nurse');
    expect(personDetails({ role: null, department: null, title: null })).toBe('');
  });

  it('says how many people a role address reaches', () => {
    expect(roleAddressDetails({ department: 'Cardiology', memberCount: 3 })).toBe(
      'Role address · Cardiology · 3 members',
    );
    expect(roleAddressDetails({ department: 'Cardiology', memberCount: 1 })).toBe(
      'Role address · Cardiology · 1 member',
    );
  });
});
