// The rule "how an audit record is built": one builder, typed by the catalogue's table of which
// objects each action may name. The @ts-expect-error lines are part of the test: `npm run
// typecheck` fails if any of them stops being an error.
import { describe, expect, it } from 'vitest';
import {
  ACTION_OBJECTS,
  AUDIT_ACTIONS,
  checkAuditRecord,
  type AuditAction,
  type AuditObject,
} from '../../../shared/audit/audit-event';
import { auditEvent, checkedAuditEvent, NO_ACTOR, type AuditEvent } from '../../../shared/audit/audit-event-builder';

const nurse = { userId: 'nurse.okafor', role: 'nurse' } as const;
const MESSAGE = {
  kind: 'message',
  id: '00000000-0000-4000-8000-000000000001',
  conversationId: '00000000-0000-4000-8000-000000000002',
} as const;

/** One valid object of every kind, to build every pairing the catalogue allows. */
const SAMPLES: Record<AuditObject['kind'], AuditObject> = {
  conversation: { kind: 'conversation', id: '00000000-0000-4000-8000-000000000002' },
  message: MESSAGE,
  patient: { kind: 'patient', id: 'pat-ABC123' },
  setting: { kind: 'setting', id: 'idleLockSeconds' },
  account: { kind: 'account', id: 'nurse.okafor' },
  vault: { kind: 'vault', id: '0123456789abcdef0123456789abcdef' },
  search: { kind: 'search', resultCount: 3 },
  'legal-hold': { kind: 'legal-hold', id: '00000000-0000-4000-8000-000000000003', userId: null },
  'role-address': { kind: 'role-address', id: 'role:cardiology-on-call', userId: null },
  workstation: { kind: 'workstation', id: '00000000-0000-4000-8000-000000000006', userId: 'nurse.okafor' },
  'audit-purge': { kind: 'audit-purge', receivedBefore: 1, records: 0 },
  'siem-destination': { kind: 'siem-destination', host: 'siem.example', port: 6514, caSha256: '0'.repeat(32) },
  session: {
    kind: 'session',
    id: '00000000-0000-4000-8000-000000000004',
    userId: 'nurse.okafor',
    workstationId: '00000000-0000-4000-8000-000000000005',
    until: 1,
  },
  availability: { kind: 'availability', id: 'dr.patel', state: 'off-duty', coverUserId: 'dr.nguyen' },
  identifiers: { kind: 'identifiers', conversationId: null, found: [{ identifier: 'ssn', count: 1 }] },
  template: { kind: 'template', id: '00000000-0000-4000-8000-000000000007' },
  'ediscovery-package': { kind: 'ediscovery-package', id: 'ab'.repeat(32) },
  'message-retention': { kind: 'message-retention', days: 30, removedBefore: 1, messages: 2, attachments: 1 },
  none: { kind: 'none' },
};

const complete = (event: AuditEvent) => ({
  ...event,
  at: 1_700_000_000_000,
  seq: 1,
  workstationId: '00000000-0000-4000-8000-000000000005',
});

describe('how an audit record is built', () => {
  it('fills what a call site leaves out: no object, no patient, success, no reason', () => {
    const event = auditEvent({ action: 'session.locked', actor: nurse });
    expect({ ...event }).toEqual({
      actor: nurse,
      action: 'session.locked',
      object: { kind: 'none' },
      patient: null,
      outcome: 'success',
      reason: null,
    });
  });

  it('every action the catalogue lists names the objects the catalogue allows, and each passes the record check', () => {
    expect(Object.keys(ACTION_OBJECTS).sort()).toEqual([...AUDIT_ACTIONS].sort());
    for (const action of AUDIT_ACTIONS) {
      for (const kind of ACTION_OBJECTS[action]) {
        const event = auditEvent({ action, actor: nurse, object: SAMPLES[kind] } as never);
        expect(checkAuditRecord(complete(event)).ok, `${action} about ${kind}`).toBe(true);
      }
    }
  });

  it('refuses at run time a pairing the catalogue does not allow (a value that got past the types)', () => {
    const forced = { action: 'message.read' as AuditAction, actor: nurse, object: SAMPLES.account } as never;
    expect(() => auditEvent(forced)).toThrow('an message.read record cannot name a account object');
    const noObject = { action: 'message.read', actor: nurse } as never;
    expect(() => auditEvent(noObject)).toThrow(TypeError);
  });

  it('checks a decoded event against the whole catalogue: the same event where it fits, null where it does not, never a throw', () => {
    for (const action of AUDIT_ACTIONS) {
      for (const kind of ACTION_OBJECTS[action]) {
        const spec = { action, actor: nurse, object: SAMPLES[kind], reason: 'SOME_CODE', outcome: 'failure' } as const;
        expect(checkedAuditEvent(spec), `${action} about ${kind}`).toEqual(auditEvent(spec as never));
      }
    }
    expect(checkedAuditEvent({ action: 'session.locked', actor: NO_ACTOR })).toEqual(
      auditEvent({ action: 'session.locked', actor: NO_ACTOR }),
    );
    const refused = [
      { action: 'message.read', actor: nurse, object: SAMPLES.account },
      { action: 'history.read', actor: nurse },
      { action: 'message.deleted', actor: nurse },
      { action: 'message.read', actor: nurse, object: { ...MESSAGE, id: 'not-a-uuid' } },
      { action: 'message.read', actor: nurse, object: { ...MESSAGE, text: 'Potassium 6.1' } },
      { action: 'message.read', actor: nurse, object: 'message' },
      // Availability: an enumerated state and ids only, never a reason or a note.
      { action: 'availability.changed', actor: nurse, object: SAMPLES.account },
      { action: 'availability.changed', actor: nurse, object: { ...SAMPLES.availability, state: 'in theatre 3' } },
      { action: 'availability.changed', actor: nurse, object: { ...SAMPLES.availability, note: 'back at 3' } },
      { action: 'availability.changed', actor: nurse, object: { ...SAMPLES.availability, coverUserId: 'Dr Nguyen' } },
      { action: 'session.locked', actor: { userId: 'Nurse Okafor', role: 'nurse' } },
      { action: 'session.locked', actor: { userId: 'nurse.okafor', role: 'surgeon' } },
      { action: 'session.locked', actor: nurse, reason: 'the password was wrong' },
      { action: 'session.locked', actor: nurse, patient: 'Ada Okafor' },
      { action: 'session.locked', actor: nurse, outcome: 'partial' },
    ];
    for (const spec of refused) expect(checkedAuditEvent(spec), JSON.stringify(spec)).toBeNull();
  });

  it('a refused sign-in names nobody', () => {
    expect(auditEvent({ action: 'sign-in.failed', actor: NO_ACTOR }).actor).toEqual({ userId: null, role: null });
  });

  it('the types refuse what the catalogue refuses (checked by npm run typecheck, never run)', () => {
    const typeChecks = () => {
      // @ts-expect-error a read names a message, not an account
      auditEvent({ action: 'message.read', actor: nurse, object: { kind: 'account', id: 'nurse.okafor' } });
      // @ts-expect-error a read must name its message
      auditEvent({ action: 'message.read', actor: nurse });
      // @ts-expect-error not an action in the catalogue
      auditEvent({ action: 'message.deleted', actor: nurse });
      // @ts-expect-error a hand-written literal is not an event: only the builder makes one
      const literal: AuditEvent = {
        actor: nurse,
        action: 'session.locked',
        object: { kind: 'none' },
        patient: null,
        outcome: 'success',
        reason: null,
      };
      return literal;
    };
    expect(typeChecks).toBeTypeOf('function');
  });
});
