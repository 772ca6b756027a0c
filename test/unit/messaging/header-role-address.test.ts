/**
 * Which role address a message's signed header names (main/messaging/outgoing-message.ts
 * headerRoleAddress): its role conversation's, where the directory shows the sender or someone
 * it is sealed for among the members, as the server requires; otherwise none, so the server
 * never refuses a reply over it.
 */
import { describe, expect, it } from 'vitest';
import { headerRoleAddress } from '../../../main/messaging/outgoing-message';
import type { DirectoryRole, DirectoryUser } from '../../../shared/protocol/api';
import { DEFAULT_ESCALATION_TIMES } from '../../../shared/protocol/escalation';

const ADDRESS = 'role:oncall-cardiology';
const member = (userId: string): DirectoryUser => ({
  kind: 'user',
  userId,
  displayName: userId,
  role: 'physician',
  department: 'Cardiology',
  title: '',
  active: true,
  fingerprint: null,
  availability: null,
});
const role = (members: string[], addressId = ADDRESS): DirectoryRole => ({
  kind: 'role',
  addressId,
  displayName: 'On-call cardiology',
  department: 'Cardiology',
  description: '',
  members: members.map(member),
  onCall: [],
  escalation: DEFAULT_ESCALATION_TIMES,
});
const conversation = { roleAddressId: ADDRESS };

describe('the role address a header names', () => {
  it('is the conversation’s, when the sender or a reader is a member', () => {
    expect(headerRoleAddress(conversation, role(['dr.okafor']), ['nurse.adams', 'dr.okafor'])).toBe(ADDRESS);
    expect(headerRoleAddress(conversation, role(['nurse.adams']), ['nurse.adams', 'dr.lee'])).toBe(ADDRESS);
  });

  it('is none when no member takes part, the directory could not say, or the conversation is no role’s', () => {
    expect(headerRoleAddress(conversation, role(['dr.silva']), ['nurse.adams', 'dr.okafor'])).toBeUndefined();
    expect(headerRoleAddress(conversation, undefined, ['nurse.adams', 'dr.okafor'])).toBeUndefined();
    expect(headerRoleAddress(conversation, null, ['nurse.adams', 'dr.okafor'])).toBeUndefined();
    expect(headerRoleAddress({ roleAddressId: null }, role(['dr.okafor']), ['dr.okafor'])).toBeUndefined();
    // The directory's entry for another address says nothing of this one.
    expect(headerRoleAddress(conversation, role(['dr.okafor'], 'role:stroke-team'), ['dr.okafor'])).toBeUndefined();
  });
});
