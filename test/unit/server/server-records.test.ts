// What the server's outbox rows become on its chain (server/audit/server-records.ts), and how a
// served event is stated at its source (server/audit/served-events.ts): through the catalogue's
// builder, so a wrong pairing does not compile, and a stored row that does not fit never stops
// the fold. The @ts-expect-error lines are part of the test: `npm run typecheck` fails if any of
// them stops being an error.
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/access/permission-matrix';
import { actionEvent } from '../../../shared/audit/audit-event-builder';
import { servedEvent, type ServedEvent } from '../../../server/audit/served-events';
import type { ServedRow } from '../../../server/audit/served-event-store';
import { recordOf, servedRecordOf, type TrailEvent } from '../../../server/audit/server-records';

const CHAIN = '00000000-0000-4000-8000-0000000000c0';
const CONVERSATION = '00000000-0000-4000-8000-000000000002';
const MESSAGE = { kind: 'message', id: '00000000-0000-4000-8000-000000000001', conversationId: CONVERSATION } as const;
const HOLD = '00000000-0000-4000-8000-000000000003';
const roles: ReadonlyMap<string, Role> = new Map([
  ['nurse.okafor', 'nurse'],
  ['it.admin', 'it-admin'],
]);
const placed = { at: 1_700_000_000_000, seq: 7, workstationId: CHAIN, patient: null };

const row = (fields: Partial<ServedRow>): ServedRow => ({
  id: 1,
  at: placed.at,
  actor: 'nurse.okafor',
  action: 'history.read',
  object: { kind: 'conversation', id: CONVERSATION },
  outcome: 'success',
  reason: null,
  ...fields,
});
const served = (fields: Partial<ServedRow>) => servedRecordOf(row(fields), roles, CHAIN, 7);

const adminRow = (fields: Partial<TrailEvent>): TrailEvent => ({
  at: placed.at,
  actor: 'it.admin',
  action: 'legal-hold.placed',
  targetUserId: 'nurse.okafor',
  subject: HOLD,
  affected: null,
  receivedBefore: null,
  retentionDays: null,
  blobsAffected: null,
  roleAddressBounds: null,
  outcome: 'success',
  reason: null,
  ...fields,
});
const admin = (fields: Partial<TrailEvent>) => recordOf(adminRow(fields), roles, CHAIN, 7);

describe('a served event, as its source states it', () => {
  it('carries what was said, and fills in success and no reason', () => {
    const event = servedEvent({
      at: 5,
      actor: 'nurse.okafor',
      action: 'history.read',
      object: { kind: 'conversation', id: CONVERSATION },
    });
    expect({ at: event.at, actor: event.actor, event: { ...event.event } }).toEqual({
      at: 5,
      actor: 'nurse.okafor',
      event: {
        action: 'history.read',
        object: { kind: 'conversation', id: CONVERSATION },
        patient: null,
        outcome: 'success',
        reason: null,
      },
    });
    const refused = servedEvent({
      at: 5,
      actor: 'nurse.okafor',
      action: 'export.created',
      outcome: 'failure',
      reason: 'FORBIDDEN',
    });
    expect(refused.event.object).toEqual({ kind: 'none' });
  });

  it('refuses at run time a pairing that got past the types', () => {
    const forced = { at: 5, actor: null, action: 'history.read', object: { kind: 'account', id: 'nurse.okafor' } };
    expect(() => servedEvent(forced as never)).toThrow(TypeError);
  });

  it('the types refuse what the catalogue refuses (checked by npm run typecheck, never run)', () => {
    const typeChecks = () => [
      // @ts-expect-error history is read about a conversation, not an account
      servedEvent({ at: 5, actor: null, action: 'history.read', object: { kind: 'account', id: 'nurse.okafor' } }),
      // @ts-expect-error an accepted message must name its message
      servedEvent({ at: 5, actor: null, action: 'message.accepted' }),
      // @ts-expect-error a read is the workstation's to record, not something the server serves
      servedEvent({ at: 5, actor: null, action: 'message.read', object: MESSAGE }),
      // @ts-expect-error the server never knows a patient
      servedEvent({ at: 5, actor: null, action: 'search.performed', patient: 'pat-ABC123' }),
      // @ts-expect-error a hand-written literal is not a served event: only servedEvent makes one
      ((): ServedEvent => ({ at: 5, actor: null, event: actionEvent({ action: 'message.read', object: MESSAGE }) }))(),
    ];
    expect(typeChecks).toBeTypeOf('function');
  });
});

describe("what a served row becomes on the server's chain", () => {
  it('a row as written: its actor in their role, its action and object', () => {
    expect(served({})).toEqual({
      ...placed,
      actor: { userId: 'nurse.okafor', role: 'nurse' },
      action: 'history.read',
      object: { kind: 'conversation', id: CONVERSATION },
      outcome: 'success',
      reason: null,
    });
    expect(
      served({
        actor: null,
        action: 'sign-in.failed',
        object: { kind: 'account', id: 'nurse.okafor' },
        outcome: 'failure',
        reason: 'INVALID_CREDENTIALS',
      }),
    ).toEqual({
      ...placed,
      actor: { userId: null, role: null },
      action: 'sign-in.failed',
      object: { kind: 'account', id: 'nurse.okafor' },
      outcome: 'failure',
      reason: 'INVALID_CREDENTIALS',
    });
  });

  it('leaves out what does not fit, never carrying it as it is', () => {
    // An actor that is no user id, and a reason that is no code.
    expect(served({ actor: 'Ada Okafor', reason: 'she asked' })).toMatchObject({
      actor: { userId: null, role: null },
      action: 'history.read',
      reason: null,
    });
    // An object that no longer reads, for an action that may go without one.
    expect(served({ action: 'search.performed', object: null })).toMatchObject({
      action: 'search.performed',
      object: { kind: 'none' },
    });
    // An object its action may not name, where the action may go without one.
    expect(served({ action: 'search.performed' })).toMatchObject({
      action: 'search.performed',
      object: { kind: 'none' },
    });
  });

  it('an action the catalogue does not list, or cannot record without the object it refuses, becomes an admin.action about nothing', () => {
    const misfits: Partial<ServedRow>[] = [
      { action: 'message.deleted' },
      { action: 'history.read', object: { kind: 'account', id: 'nurse.okafor' } },
      { action: 'history.read', object: null },
      { action: 'message.read' },
    ];
    for (const misfit of misfits) {
      expect(served(misfit), JSON.stringify(misfit)).toEqual({
        ...placed,
        actor: { userId: 'nurse.okafor', role: 'nurse' },
        action: 'admin.action',
        object: { kind: 'none' },
        outcome: 'success',
        reason: null,
      });
    }
  });
});

describe("what an account or admin row becomes on the server's chain", () => {
  it('an admin.action with its reason code, about the object in full', () => {
    expect(admin({})).toEqual({
      ...placed,
      actor: { userId: 'it.admin', role: 'it-admin' },
      action: 'admin.action',
      object: { kind: 'legal-hold', id: HOLD, userId: 'nurse.okafor' },
      outcome: 'success',
      reason: 'LEGAL_HOLD_PLACED',
    });
    expect(
      admin({ action: 'audit.purged', targetUserId: null, subject: null, affected: 3, receivedBefore: 9 }),
    ).toMatchObject({
      object: { kind: 'audit-purge', receivedBefore: 9, records: 3 },
      reason: 'AUDIT_PURGED',
    });
    expect(admin({ action: 'account.deactivated', subject: null })).toMatchObject({
      object: { kind: 'account', id: 'nurse.okafor' },
      reason: 'ACCOUNT_DEACTIVATED',
    });
  });

  it('records a message retention run by its bound and counts, and a run that came to no bound as about nothing', () => {
    const run = { action: 'message-retention.ran', targetUserId: null, subject: null } as const;
    expect(
      admin({ ...run, actor: '(server)', affected: 12, receivedBefore: 9, retentionDays: 2190, blobsAffected: 3 }),
    ).toMatchObject({
      actor: { userId: null, role: null },
      object: { kind: 'message-retention', days: 2190, removedBefore: 9, messages: 12, attachments: 3 },
      outcome: 'success',
      reason: 'MESSAGE_RETENTION_RUN',
    });
    expect(
      admin({
        ...run,
        affected: 2,
        receivedBefore: 9,
        retentionDays: 30,
        blobsAffected: 0,
        outcome: 'failure',
        reason: 'MESSAGE_RETENTION_FAILED',
      }),
    ).toMatchObject({
      object: { kind: 'message-retention', days: 30, messages: 2 },
      outcome: 'failure',
      reason: 'MESSAGE_RETENTION_FAILED',
    });
    expect(admin({ ...run, outcome: 'failure', reason: 'MESSAGE_RETENTION_BUSY' })).toMatchObject({
      object: { kind: 'none' },
      reason: 'MESSAGE_RETENTION_BUSY',
    });
  });

  it('records the organisation bound with how many role addresses had their own, and each such address by id', () => {
    const run = { action: 'message-retention.ran', targetUserId: null, affected: 4, receivedBefore: 9 } as const;
    const counts = { retentionDays: 2190, blobsAffected: 1 };
    expect(admin({ ...run, ...counts, subject: null, roleAddressBounds: 2 }).object).toEqual({
      kind: 'message-retention',
      days: 2190,
      removedBefore: 9,
      messages: 4,
      attachments: 1,
      roleAddressBounds: 2,
    });
    expect(admin({ ...run, retentionDays: 30, blobsAffected: 0, subject: 'role:oncall-renal' }).object).toEqual({
      kind: 'message-retention',
      days: 30,
      removedBefore: 9,
      messages: 4,
      attachments: 0,
      roleAddress: 'role:oncall-renal',
    });
    // A row whose subject is no role address (written by hand) keeps its counts, without it.
    expect(admin({ ...run, ...counts, subject: 'not an address' }).object).toEqual({
      kind: 'message-retention',
      days: 2190,
      removedBefore: 9,
      messages: 4,
      attachments: 1,
    });
  });

  it('names the role address whose retention bound IT set or cleared', () => {
    const role = { kind: 'role-address', id: 'role:oncall-renal', userId: null };
    const change = { targetUserId: null, subject: 'role:oncall-renal' } as const;
    expect(admin({ ...change, action: 'role-address.retention-set', retentionDays: 90 })).toMatchObject({
      object: role,
      reason: 'ROLE_RETENTION_SET',
    });
    expect(admin({ ...change, action: 'role-address.retention-cleared' })).toMatchObject({
      object: role,
      reason: 'ROLE_RETENTION_CLEARED',
    });
  });

  it('names the role address created or renamed, and the workstation revoked', () => {
    const role = { kind: 'role-address', id: 'role:oncall-renal', userId: null };
    for (const [action, reason] of [
      ['role-address.created', 'ROLE_ADDRESS_CREATED'],
      ['role-address.updated', 'ROLE_ADDRESS_UPDATED'],
    ] as const)
      expect(admin({ action, targetUserId: null, subject: 'role:oncall-renal' })).toMatchObject({
        actor: { userId: 'it.admin', role: 'it-admin' },
        action: 'admin.action',
        object: role,
        reason,
      });
    const device = '0f0e0d0c-0b0a-4909-8807-060504030201';
    expect(admin({ action: 'device.revoked', targetUserId: null, subject: device })).toMatchObject({
      actor: { userId: 'it.admin', role: 'it-admin' },
      object: { kind: 'workstation', id: device },
      reason: 'DEVICE_REVOKED',
    });
    // A subject that is no device id is left out, never carried.
    expect(admin({ action: 'device.revoked', targetUserId: null, subject: 'Ward 4B PC' })).toMatchObject({
      object: { kind: 'none' },
    });
  });

  it('a remote wipe names the workstation and whose vault, by the admin who queued it or by no one', () => {
    const device = '0b9c1e7a-6f2d-4e3b-8a5c-9d8e7f6a5b4c';
    expect(admin({ action: 'workstation.wipe-queued', targetUserId: null, subject: device })).toMatchObject({
      actor: { userId: 'it.admin', role: 'it-admin' },
      action: 'admin.action',
      object: { kind: 'workstation', id: device, userId: null },
      reason: 'WORKSTATION_WIPE_QUEUED',
    });
    expect(admin({ action: 'user.wiped', actor: '(workstation)', subject: device })).toMatchObject({
      actor: { userId: null, role: null },
      object: { kind: 'workstation', id: device, userId: 'nurse.okafor' },
      reason: 'USER_VAULT_WIPED',
    });
    expect(
      admin({ action: 'workstation.wiped-audit-kept', actor: '(workstation)', targetUserId: null, subject: device }),
    ).toMatchObject({
      object: { kind: 'workstation', id: device, userId: null },
      reason: 'WORKSTATION_WIPED_AUDIT_KEPT',
    });
    // A person with no workstation to wipe: the account, as the admin asked.
    expect(admin({ action: 'user.wipe-queued', subject: null })).toMatchObject({
      object: { kind: 'account', id: 'nurse.okafor' },
      reason: 'USER_WIPE_QUEUED',
    });
    // A subject that is no device id is left out.
    expect(admin({ action: 'workstation.wiped', subject: 'Ward 3 desk' })).toMatchObject({ object: { kind: 'none' } });
  });

  it('a lockout is its own action, by no one; a refusal carries its code', () => {
    expect(admin({ action: 'account.locked-out', actor: '(server)', subject: null })).toMatchObject({
      actor: { userId: null, role: null },
      action: 'account.locked-out',
      object: { kind: 'account', id: 'nurse.okafor' },
      reason: 'ACCOUNT_LOCKED_OUT',
    });
    expect(
      admin({ action: 'audit.purged', subject: null, outcome: 'failure', reason: 'LEGAL_HOLD_ACTIVE' }),
    ).toMatchObject({
      object: { kind: 'none' },
      outcome: 'failure',
      reason: 'LEGAL_HOLD_ACTIVE',
    });
  });

  it('an object that does not read as one is left out, never carried', () => {
    expect(admin({ subject: 'not a hold id' })).toMatchObject({ action: 'admin.action', object: { kind: 'none' } });
    expect(admin({ action: 'role-address.saved', subject: 'Cardiology on call' })).toMatchObject({
      object: { kind: 'none' },
    });
    expect(admin({ action: 'account.created', targetUserId: 'Ada Okafor' })).toMatchObject({
      object: { kind: 'none' },
    });
    expect(admin({ action: 'siem.enabled', subject: 'siem.example' })).toMatchObject({ object: { kind: 'none' } });
    expect(admin({ outcome: 'failure', reason: 'free text' })).toMatchObject({ reason: 'LEGAL_HOLD_PLACED' });
  });
});
