import { describe, expect, it } from 'vitest';
import {
  UNKNOWN_ROLE_ADDRESS,
  conversationLabel,
  messageState,
  toConversationSummary,
  toDirectoryEntryView,
  toMessageView,
  toThreadConversation,
} from '../../../main/messaging/message-view';
import type { ConversationListRow, ConversationRecord } from '../../../main/store/ops/conversation-ops';
import type { StoredMessage } from '../../../main/store/ops/message-ops';
import type { DirectoryEntry } from '../../../shared/protocol/api';
import { DEFAULT_ESCALATION_TIMES } from '../../../shared/protocol/escalation';

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
  ackRequested: false,
  acknowledgements: [],
  escalation: null,
};

const as = (senderName: string, now: number) => ({
  selfId: 'dr.okafor',
  names: new Map([[base.senderId, senderName]]),
  now,
});

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
    expect(toMessageView({ ...base, recalledAt: 2000 }, as('P. Adams', 3000)).text).toBeNull();
    expect(toMessageView({ ...base, expiredAt: 2000 }, as('P. Adams', 3000))).toMatchObject({
      text: null,
      expired: true,
    });
    // Past its expiry but not yet swept: hidden all the same.
    expect(toMessageView({ ...base, expiresAt: 2000 }, as('P. Adams', 2000))).toMatchObject({
      text: null,
      expired: true,
    });
    expect(toMessageView({ ...base, expiresAt: 2000 }, as('P. Adams', 1999))).toMatchObject({
      text: 'Bed 4 potassium 5.9',
      expired: false,
    });
  });

  it('caps receipt counts at the number of recipients', () => {
    expect(toMessageView({ ...base, deliveredCount: 5, readCount: 4 }, as('x', 0))).toMatchObject({
      deliveredCount: 3,
      readCount: 3,
    });
  });
});

describe('acknowledgement in the message view', () => {
  const asked: StoredMessage = {
    ...base,
    direction: 'in',
    sendState: null,
    ackRequested: true,
    senderId: 'nurse.adams',
  };
  const view = (message: StoredMessage, now = 0) =>
    toMessageView(message, {
      selfId: 'dr.okafor',
      names: new Map([
        ['nurse.adams', 'P. Adams'],
        ['dr.nguyen', 'Dr.\u202E Nguyen'],
      ]),
      now,
    }).acknowledgement;

  it('offers acknowledging an incoming message that asks, until the reader has', () => {
    expect(view(asked)).toEqual({ requested: true, by: [], canAcknowledge: true });
    const byNguyen = { ...asked, acknowledgements: [{ userId: 'dr.nguyen', reply: 'on-my-way' as const, at: 5 }] };
    // Someone else took it: shown, by the cleaned name, and the reader may still acknowledge too.
    expect(view(byNguyen)).toEqual({
      requested: true,
      by: [{ userId: 'dr.nguyen', name: 'Dr. Nguyen', reply: 'on-my-way', at: 5 }],
      canAcknowledge: true,
    });
    const bySelf = { ...asked, acknowledgements: [{ userId: 'dr.okafor', reply: null, at: 6 }] };
    expect(view(bySelf).canAcknowledge).toBe(false);
  });

  it('never offers it for what does not ask, was sent by the reader, or has gone', () => {
    expect(view({ ...asked, ackRequested: false }).canAcknowledge).toBe(false);
    expect(view({ ...asked, direction: 'out' }).canAcknowledge).toBe(false);
    expect(view({ ...asked, recalledAt: 9, body: null }).canAcknowledge).toBe(false);
    expect(view({ ...asked, expiresAt: 100 }, 100).canAcknowledge).toBe(false);
    expect(view({ ...asked, expiresAt: 100 }, 99).canAcknowledge).toBe(true);
  });
});

describe("conversation label: who it is with, by the directory, never the sender's subject", () => {
  it('names a role address by the directory name, else the other people', () => {
    expect(
      conversationLabel({
        roleAddressId: 'role:oncall-cardiology',
        roleAddressName: 'On-call cardiology',
        otherNames: ['A'],
      }),
    ).toBe('On-call cardiology');
    expect(conversationLabel({ roleAddressId: null, roleAddressName: null, otherNames: ['A', 'B'] })).toBe('A, B');
    expect(
      conversationLabel({ roleAddressId: null, roleAddressName: null, otherNames: ['A', 'B', 'C', 'D', 'E'] }),
    ).toBe('A, B and 3 others');
    expect(conversationLabel({ roleAddressId: null, roleAddressName: null, otherNames: [] })).toBe('Notes to self');
  });

  it('says a role address the directory does not know is unknown', () => {
    expect(conversationLabel({ roleAddressId: 'role:cmo', roleAddressName: null, otherNames: ['Mallory Grey'] })).toBe(
      UNKNOWN_ROLE_ADDRESS,
    );
    expect(conversationLabel({ roleAddressId: 'role:cmo', roleAddressName: '\u200B\u202E', otherNames: [] })).toBe(
      UNKNOWN_ROLE_ADDRESS,
    );
  });

  it('keeps the subject apart from the label, and strips invisible characters from both', () => {
    const row: ConversationListRow = {
      id: '00000000-0000-4000-8000-000000000002',
      kind: 'direct',
      title: '\u202Enayug\u200BN hniM .rD',
      roleAddressId: null,
      roleAddressName: null,
      otherNames: ['Morgan\u2066 Grey\u2069'],
      awaitingAcknowledgement: { incoming: 0, outgoing: 0 },
      lastMessageAt: 1000,
      unreadCount: 1,
      unreadPriority: null,
    };
    expect(toConversationSummary(row)).toMatchObject({ label: 'Morgan Grey', subject: 'nayugN hniM .rD' });
    expect(toConversationSummary({ ...row, title: '\u2066\u2069 ' }).subject).toBeNull();
  });
});

describe('thread view', () => {
  const record: ConversationRecord = {
    id: '00000000-0000-4000-8000-000000000002',
    kind: 'role',
    title: 'Dr. Minh Nguyen\u202E',
    roleAddressId: 'role:chief-medical-officer',
    roleAddressName: null,
    createdAt: 1000,
    patient: { ref: 'pat-7QX2K9', label: 'Bed\u00AD 12\uFEFF' },
    participants: [
      { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse', department: 'Ward 4B', title: null },
      {
        userId: 'nurse.grey',
        displayName: 'Morgan\u200D Grey',
        role: 'nurse',
        department: 'Ward\u202E 9',
        title: 'Staff\tNurse',
      },
      { userId: 'x.blank', displayName: '\u200B', role: 'wizard', department: null, title: null },
    ],
  };

  it('shows an unknown role address as unknown, the title only as the subject, and every name cleaned', () => {
    const view = toThreadConversation(record, 'nurse.adams', new Set(['nurse.grey']));
    expect(view).toMatchObject({
      label: UNKNOWN_ROLE_ADDRESS,
      subject: 'Dr. Minh Nguyen',
      roleAddress: { id: 'role:chief-medical-officer', displayName: null },
      patient: { ref: 'pat-7QX2K9', label: 'Bed 12' },
    });
    expect(view.participants).toEqual([
      {
        userId: 'nurse.adams',
        displayName: 'Grace Adams',
        role: 'nurse',
        department: 'Ward 4B',
        title: null,
        keyChanged: false,
      },
      {
        userId: 'nurse.grey',
        displayName: 'Morgan Grey',
        role: 'nurse',
        department: 'Ward 9',
        title: 'Staff Nurse',
        keyChanged: true,
      },
      // Nothing visible left: the id stands in; an unknown role is none.
      { userId: 'x.blank', displayName: 'x.blank', role: null, department: null, title: null, keyChanged: false },
    ]);
  });

  it('names a known role address by the directory name', () => {
    const view = toThreadConversation(
      { ...record, roleAddressName: 'Chief\u2067 Medical Officer' },
      'nurse.adams',
      new Set(),
    );
    expect(view).toMatchObject({
      label: 'Chief Medical Officer',
      roleAddress: { displayName: 'Chief Medical Officer' },
    });
  });

  it('cleans sender names and directory results', () => {
    expect(toMessageView(base, as('Dr.\u202E Okafor', 0)).senderName).toBe('Dr. Okafor');
    expect(toMessageView(base, as('\u2060', 0)).senderName).toBe(base.senderId);
    const entry: DirectoryEntry = {
      kind: 'role',
      addressId: 'role:oncall-cardiology',
      displayName: 'On-call\u200B cardiology',
      department: 'Cardio\u00ADlogy',
      description: 'Registrar\u202E',
      members: [
        {
          kind: 'user',
          userId: 'dr.patel',
          displayName: 'Dr.\u2066 Patel',
          role: 'physician',
          department: 'Cardiology',
          title: 'Consultant\uFE0F',
          active: true,
          fingerprint: null,
          availability: null,
        },
      ],
      onCall: [],
      escalation: DEFAULT_ESCALATION_TIMES,
    };
    expect(toDirectoryEntryView(entry)).toMatchObject({
      displayName: 'On-call cardiology',
      department: 'Cardiology',
      description: 'Registrar',
      members: [{ displayName: 'Dr. Patel', title: 'Consultant' }],
    });
  });
});
