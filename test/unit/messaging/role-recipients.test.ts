/**
 * Who a message to a role address goes to (main/messaging/role-recipients.ts, through
 * outgoing-message.ts): the people on call when it is sent, their backup when the sender is the
 * one on call, else every member; never someone who cannot receive messages, and never from a
 * shift that ended after the directory was read.
 */
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/access/permission-matrix';
import type { DirectoryRole, DirectoryUser } from '../../../shared/protocol/api';
import { newConversation } from '../../../main/messaging/outgoing-message';
import { roleRecipients } from '../../../main/messaging/role-recipients';

const NOW = Date.UTC(2026, 11, 7, 12);
const HOUR = 3_600_000;

const member = (userId: string, role: Role = 'physician', active = true): DirectoryUser => ({
  kind: 'user',
  userId,
  displayName: userId,
  role,
  department: 'Cardiology',
  title: '',
  active,
  fingerprint: null,
});

const cardiology = (onCall: DirectoryRole['onCall']): DirectoryRole => ({
  kind: 'role',
  addressId: 'role:oncall-cardiology',
  displayName: 'On-call cardiology',
  department: 'Cardiology',
  description: '',
  members: [member('dr.patel'), member('dr.nguyen'), member('dr.okafor'), member('nurse.adams', 'nurse')],
  onCall,
});

const shift = (userId: string, backupUserId: string | null, endsAt = NOW + HOUR) => ({ userId, backupUserId, endsAt });
const sentBy = (selfId: string, now = NOW) => ({ selfId, now });

describe('who a message to a role address reaches', () => {
  it('reaches every member when no shift covers now', () => {
    expect(roleRecipients(cardiology([]), sentBy('nurse.adams'))).toEqual(['dr.patel', 'dr.nguyen', 'dr.okafor']);
  });

  it('reaches only the person on call, or both during a handover', () => {
    expect(roleRecipients(cardiology([shift('dr.patel', 'dr.nguyen')]), sentBy('nurse.adams'))).toEqual(['dr.patel']);
    expect(
      roleRecipients(cardiology([shift('dr.patel', 'dr.nguyen'), shift('dr.okafor', null)]), sentBy('nurse.adams')),
    ).toEqual(['dr.patel', 'dr.okafor']);
  });

  it('reaches the backup when the sender is the one on call, and every other member without one', () => {
    expect(roleRecipients(cardiology([shift('dr.patel', 'dr.nguyen')]), sentBy('dr.patel'))).toEqual(['dr.nguyen']);
    expect(roleRecipients(cardiology([shift('dr.patel', null)]), sentBy('dr.patel'))).toEqual([
      'dr.nguyen',
      'dr.okafor',
      'nurse.adams',
    ]);
  });

  it('never takes a shift that has ended since the directory was read', () => {
    const role = cardiology([shift('dr.patel', 'dr.nguyen', NOW)]);
    expect(roleRecipients(role, sentBy('nurse.adams', NOW - 1))).toEqual(['dr.patel']);
    expect(roleRecipients(role, sentBy('nurse.adams', NOW))).toEqual(['dr.patel', 'dr.nguyen', 'dr.okafor']);
  });

  it('never addresses someone on call who cannot receive: not a listed member, deactivated, or of a role without messaging', () => {
    const role: DirectoryRole = {
      ...cardiology([shift('dr.gone', null), shift('it.smith', 'dr.nguyen')]),
      members: [member('dr.nguyen'), member('dr.gone', 'physician', false), member('it.smith', 'it-admin')],
    };
    expect(roleRecipients(role, sentBy('nurse.adams'))).toEqual(['dr.nguyen']);
    expect(roleRecipients({ ...role, onCall: [shift('dr.stranger', null)] }, sentBy('nurse.adams'))).toEqual([
      'dr.nguyen',
    ]);
  });

  it('makes a role conversation with only the on-call physician as recipient', () => {
    const started = newConversation(
      {
        to: [{ kind: 'role', addressId: 'role:oncall-cardiology' }],
        title: null,
        text: 'Chest pain in bay 3',
        priority: 'stat',
        expiresInSeconds: null,
        patient: null,
      },
      {
        selfId: 'nurse.adams',
        cachedRole: () => cardiology([shift('dr.okafor', 'dr.patel')]),
        id: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10',
        now: NOW,
      },
    );
    expect(started?.recipients).toEqual(['dr.okafor']);
    expect(started?.conversation).toMatchObject({ kind: 'role', roleAddressId: 'role:oncall-cardiology' });
  });
});
