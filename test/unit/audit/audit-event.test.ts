import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, checkAuditRecord } from '../../../shared/audit/audit-event';

const CONVERSATION = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';
const MESSAGE = '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d';
const WORKSTATION = 'aa11bb22-cc33-4d44-8e55-ff6677889900';

const valid = (action: string) => ({
  actor: { userId: 'nurse.adams', role: 'nurse' },
  action,
  object: { kind: 'message', id: MESSAGE, conversationId: CONVERSATION },
  patient: 'pat-7QX2K9',
  at: 1_795_000_000_000,
  seq: 41,
  workstationId: WORKSTATION,
  outcome: 'success',
  reason: null,
});

/** Things that must never reach an audit record: text, search terms, names, dates of birth, passwords. */
const PHI = [
  'K+ 6.1 in bed 4, start insulin',
  'Smith 12/03/1961',
  'Grace Adams',
  'MRN 00123456',
  'correct horse battery staple',
  'chest pain bay 2',
];

describe('the audit event catalogue', () => {
  it.each(AUDIT_ACTIONS)('records %s with ids, codes, times and numbers only', (action) => {
    const checked = checkAuditRecord(valid(action));
    expect(checked.ok).toBe(true);
  });

  it.each(AUDIT_ACTIONS)('keeps PHI out of every field of %s, naming the field and never the value', (action) => {
    for (const phi of PHI) {
      const attempts: Record<string, unknown>[] = [
        { ...valid(action), object: { kind: 'conversation', id: phi } },
        { ...valid(action), object: { kind: 'patient', id: phi } },
        { ...valid(action), object: { kind: 'account', id: phi } },
        { ...valid(action), object: { kind: 'setting', id: phi } },
        { ...valid(action), object: { kind: 'search', resultCount: 3, query: phi } },
        { ...valid(action), actor: { userId: phi, role: 'nurse' } },
        { ...valid(action), patient: phi },
        { ...valid(action), outcome: 'failure', reason: phi },
        { ...valid(action), text: phi },
        { ...valid(action), password: phi },
      ];
      for (const attempt of attempts) {
        const checked = checkAuditRecord(attempt);
        expect(checked.ok, JSON.stringify(attempt)).toBe(false);
        expect(JSON.stringify(checked)).not.toContain(phi);
      }
    }
  });

  it('records a search by its result count, a patient by an opaque reference, a setting by its policy key', () => {
    expect(checkAuditRecord({ ...valid('search.performed'), object: { kind: 'search', resultCount: 12 } }).ok).toBe(
      true,
    );
    expect(
      checkAuditRecord({ ...valid('conversation.opened'), object: { kind: 'patient', id: 'pat-7QX2K9' } }).ok,
    ).toBe(true);
    expect(checkAuditRecord({ ...valid('policy.loaded'), object: { kind: 'setting', id: 'idleLockSeconds' } }).ok).toBe(
      true,
    );
    expect(
      checkAuditRecord({
        ...valid('sign-in.failed'),
        actor: { userId: null, role: null },
        object: { kind: 'none' },
        outcome: 'failure',
        reason: 'INVALID_CREDENTIALS',
      }).ok,
    ).toBe(true);
  });

  it('refuses an action that is not in the catalogue', () => {
    expect(checkAuditRecord({ ...valid('message.sent'), action: 'message.printed' })).toEqual({
      ok: false,
      error: ['action'],
    });
  });
});
