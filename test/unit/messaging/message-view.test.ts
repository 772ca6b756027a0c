import { describe, expect, it } from 'vitest';
import { conversationLabel, messageState, toMessageView } from '../../../main/messaging/message-view';
import type { StoredMessage } from '../../../main/store/messaging-ops';

const base: StoredMessage = {
  id: '00000000-0000-4000-8000-000000000001',
  conversationId: '00000000-0000-4000-8000-000000000002',
  senderId: 'nurse.adams',
  direction: 'out',
  sentAt: 1000,
  priority: 'routine',
  expiresAt: null,
  recalledAt: null,
  expiredAt: null,
  sendState: 'sent',
  held: false,
  recipientCount: 3,
  body: 'Bed 4 potassium 5.9',
  deliveredCount: 0,
  readCount: 0,
};

describe('message state', () => {
  it.each([
    [{ direction: 'in' as const, sendState: null }, 'received'],
    [{ sendState: 'pending' as const }, 'pending'],
    [{ sendState: 'pending' as const, held: true }, 'held'],
    [{ sendState: 'failed' as const }, 'failed'],
    [{ deliveredCount: 2 }, 'sent'],
    [{ deliveredCount: 3 }, 'delivered'],
    [{ deliveredCount: 3, readCount: 2 }, 'delivered'],
    [{ deliveredCount: 3, readCount: 3 }, 'read'],
  ])('%o is %s', (overrides, state) => {
    expect(messageState({ ...base, ...overrides })).toBe(state);
  });
});

describe('message view', () => {
  it('never carries the body of a recalled or expired message', () => {
    expect(toMessageView({ ...base, recalledAt: 2000 }, 'P. Adams', 3000).text).toBeNull();
    expect(toMessageView({ ...base, expiredAt: 2000 }, 'P. Adams', 3000)).toMatchObject({ text: null, expired: true });
    // Past its expiry but not yet swept: hidden all the same.
    expect(toMessageView({ ...base, expiresAt: 2000 }, 'P. Adams', 2000)).toMatchObject({ text: null, expired: true });
    expect(toMessageView({ ...base, expiresAt: 2000 }, 'P. Adams', 1999)).toMatchObject({ text: 'Bed 4 potassium 5.9', expired: false });
  });

  it('caps receipt counts at the number of recipients', () => {
    expect(toMessageView({ ...base, deliveredCount: 5, readCount: 4 }, 'x', 0)).toMatchObject({ deliveredCount: 3, readCount: 3 });
  });
});

describe('conversation label', () => {
  it('prefers the title, then the role address, then the other people', () => {
    expect(conversationLabel({ title: 'Bed 4 handover', roleAddressName: 'On-call cardiology', otherNames: ['A'] })).toBe('Bed 4 handover');
    expect(conversationLabel({ title: '  ', roleAddressName: 'On-call cardiology', otherNames: ['A'] })).toBe('On-call cardiology');
    expect(conversationLabel({ title: null, roleAddressName: null, otherNames: ['A', 'B'] })).toBe('A, B');
    expect(conversationLabel({ title: null, roleAddressName: null, otherNames: ['A', 'B', 'C', 'D', 'E'] })).toBe('A, B and 3 others');
    expect(conversationLabel({ title: null, roleAddressName: null, otherNames: [] })).toBe('Notes to self');
  });
});
