import { describe, expect, it } from 'vitest';
import { leaveOutUnreachable, routeToRole } from '../../../main/messaging/role-routing';
import { DEFAULT_ESCALATION_TIMES } from '../../../shared/protocol/escalation';
import type { DirectoryRole, DirectoryUser } from '../../../shared/protocol/api';

const person = (userId: string, overrides: Partial<DirectoryUser> = {}): DirectoryUser => ({
  kind: 'user',
  userId,
  displayName: userId,
  role: 'physician',
  department: 'Cardiology',
  title: 'Registrar',
  active: true,
  fingerprint: 'a'.repeat(64),
  availability: null,
  ...overrides,
});

const role = (onCall: DirectoryRole['onCall'], members = ['dr.a', 'dr.b', 'dr.c', 'dr.d']): DirectoryRole => ({
  kind: 'role',
  addressId: 'role:oncall-cardiology',
  displayName: 'On-call cardiology',
  department: 'Cardiology',
  description: '',
  members: [
    ...members.map((id) => person(id)),
    person('co.marsh', { role: 'compliance-officer' }),
    person('dr.gone', { active: false }),
  ],
  onCall,
  escalation: DEFAULT_ESCALATION_TIMES,
});
const { repeatEveryMs, backupAfterMs, everyoneAfterMs } = DEFAULT_ESCALATION_TIMES;

describe('routing a message to a role address', () => {
  it('reaches the person on call; STAT escalates to their backup, then to everyone else in the role', () => {
    const entry = role([{ userId: 'dr.a', backupUserId: 'dr.b', endsAt: 9 }]);
    expect(routeToRole(entry, 'urgent', { selfId: 'nurse.n', now: 0 })).toEqual({
      recipients: ['dr.a'],
      plan: undefined,
    });
    expect(routeToRole(entry, 'stat', { selfId: 'nurse.n', now: 0 })).toEqual({
      recipients: ['dr.a'],
      plan: {
        repeatEveryMs,
        steps: [
          { afterMs: backupAfterMs, to: ['dr.b'], reason: 'backup' },
          { afterMs: everyoneAfterMs, to: ['dr.c', 'dr.d'], reason: 'role' },
        ],
      },
    });
  });

  it('reaches every member who can take part when nobody is on call; STAT is re-alerted only', () => {
    expect(routeToRole(role([]), 'routine', { selfId: 'nurse.n', now: 0 })).toEqual({
      recipients: ['dr.a', 'dr.b', 'dr.c', 'dr.d'],
      plan: undefined,
    });
    expect(routeToRole(role([]), 'stat', { selfId: 'dr.a', now: 0 }).plan).toEqual({ repeatEveryMs, steps: [] });
    expect(routeToRole(role([]), 'stat', { selfId: 'dr.a', now: 0 }).recipients).toEqual(['dr.b', 'dr.c', 'dr.d']);
  });

  it('reaches the backup at once when the sender is the one on call, and ignores shifts that have ended', () => {
    const entry = role([{ userId: 'dr.a', backupUserId: 'dr.b', endsAt: 9 }]);
    expect(routeToRole(entry, 'urgent', { selfId: 'dr.a', now: 0 }).recipients).toEqual(['dr.b']);
    expect(routeToRole(entry, 'stat', { selfId: 'dr.a', now: 0 }).plan?.steps).toEqual([
      { afterMs: everyoneAfterMs, to: ['dr.c', 'dr.d'], reason: 'role' },
    ]);
    expect(routeToRole(entry, 'urgent', { selfId: 'nurse.n', now: 9 }).recipients).toEqual([
      'dr.a',
      'dr.b',
      'dr.c',
      'dr.d',
    ]);
  });

  it('ignores an on-call person or backup who is no longer an active member', () => {
    const entry = role([{ userId: 'dr.gone', backupUserId: 'co.marsh', endsAt: 9 }]);
    expect(routeToRole(entry, 'stat', { selfId: 'nurse.n', now: 0 }).recipients).toEqual([
      'dr.a',
      'dr.b',
      'dr.c',
      'dr.d',
    ]);
  });
});

describe('leaving out role members without keys', () => {
  const routing = routeToRole(role([{ userId: 'dr.a', backupUserId: 'dr.b', endsAt: 9 }]), 'stat', {
    selfId: 'nurse.n',
    now: 0,
  });
  const throughRole = new Set(['dr.a', 'dr.b', 'dr.c', 'dr.d']);

  it('drops them from the plan, and reaches the backup at once when the person on call has none', () => {
    expect(leaveOutUnreachable(routing, ['dr.c'], throughRole)?.plan?.steps.map((step) => step.to)).toEqual([
      ['dr.b'],
      ['dr.d'],
    ]);
    expect(leaveOutUnreachable(routing, ['dr.a'], throughRole)).toEqual({
      recipients: ['dr.b'],
      plan: { repeatEveryMs, steps: [{ afterMs: everyoneAfterMs, to: ['dr.c', 'dr.d'], reason: 'role' }] },
    });
  });

  it('refuses when someone the sender named cannot receive, or nobody would be left', () => {
    expect(leaveOutUnreachable(routing, ['dr.a'], new Set())).toBeNull();
    expect(leaveOutUnreachable(routing, ['dr.a', 'dr.b', 'dr.c', 'dr.d'], throughRole)).toBeNull();
  });
});
