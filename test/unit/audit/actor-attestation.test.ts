/**
 * The rule of who a workstation may speak for (shared/audit/actor-attestation.ts): a record in a
 * person's name is attested only inside one of that person's sessions on that same workstation,
 * within the stated clock tolerance; a record naming nobody is the workstation's own; a session
 * the server ended stops attesting at its end, not at its latest expiry.
 */
import { describe, expect, it } from 'vitest';
import {
  ATTESTATION_TOLERANCE_MS,
  attested,
  sessionIndex,
  sessionSpansOf,
} from '../../../shared/audit/actor-attestation';
import type { AuditRecord } from '../../../shared/audit/audit-event';

const WARD = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const OFFICE = 'bb11bb22-cc33-4d44-8e55-ff6677889901';
const SERVER = 'cc11bb22-cc33-4d44-8e55-ff6677889902';
const SESSION = 'dd11bb22-cc33-4d44-8e55-ff6677889903';
const T0 = 1_795_000_000_000;
const HOUR = 3_600_000;

const record = (overrides: Partial<AuditRecord>): AuditRecord => ({
  actor: { userId: 'dr.nguyen', role: 'physician' },
  action: 'message.read',
  object: { kind: 'none' },
  patient: 'pat-VIPPATIENT1',
  at: T0 + HOUR,
  seq: 7,
  workstationId: WARD,
  outcome: 'success',
  reason: null,
  ...overrides,
});

const issued = record({
  action: 'session.issued',
  workstationId: SERVER,
  at: T0,
  patient: null,
  object: { kind: 'session', id: SESSION, userId: 'dr.nguyen', workstationId: WARD, until: T0 + 12 * HOUR },
});
const ended = record({
  action: 'session.ended',
  actor: { userId: null, role: null },
  workstationId: SERVER,
  at: T0 + 2 * HOUR,
  patient: null,
  reason: 'SESSION_REVOKED',
  object: { kind: 'session', id: SESSION, userId: 'dr.nguyen', workstationId: WARD, until: T0 + 2 * HOUR },
});

describe('actor attestation', () => {
  const open = sessionIndex(sessionSpansOf([issued]));
  const cut = sessionIndex(sessionSpansOf([issued, ended]));

  it('attests a record in a person’s name inside their session on that workstation, with the clock tolerance either side', () => {
    expect(attested(record({}), open)).toBe(true);
    expect(attested(record({ at: T0 - ATTESTATION_TOLERANCE_MS }), open)).toBe(true);
    expect(attested(record({ at: T0 - ATTESTATION_TOLERANCE_MS - 1 }), open)).toBe(false);
    expect(attested(record({ at: T0 + 12 * HOUR + ATTESTATION_TOLERANCE_MS }), open)).toBe(true);
    expect(attested(record({ at: T0 + 12 * HOUR + ATTESTATION_TOLERANCE_MS + 1 }), open)).toBe(false);
  });

  it('never attests a person on a workstation where they had no session, or another person on this one', () => {
    expect(attested(record({ workstationId: OFFICE }), open)).toBe(false);
    expect(attested(record({ actor: { userId: 'nurse.okafor', role: 'nurse' } }), open)).toBe(false);
    expect(attested(record({}), sessionIndex([]))).toBe(false);
  });

  it('ends attestation where the server ended the session, not at its latest expiry', () => {
    expect(attested(record({ at: T0 + 2 * HOUR }), cut)).toBe(true);
    expect(attested(record({ at: T0 + 3 * HOUR }), cut)).toBe(false);
    expect(attested(record({ at: T0 + 3 * HOUR }), open)).toBe(true);
  });

  it('attests a person only in the role the server knew them by', () => {
    expect(attested(record({ actor: { userId: 'dr.nguyen', role: 'compliance-officer' } }), open)).toBe(false);
    expect(attested(record({ actor: { userId: 'dr.nguyen', role: null } }), open)).toBe(true);
  });

  it('needs nothing for a record that names nobody: the workstation’s own', () => {
    expect(attested(record({ actor: { userId: null, role: null }, at: 0 }), sessionIndex([]))).toBe(true);
  });

  it('reads sessions only from successful session records', () => {
    expect(sessionSpansOf([{ ...issued, outcome: 'failure' }])).toEqual([]);
    expect(sessionSpansOf([issued, ended])).toEqual([
      {
        sessionId: SESSION,
        userId: 'dr.nguyen',
        workstationId: WARD,
        from: T0,
        until: T0 + 2 * HOUR,
        role: 'physician',
      },
    ]);
  });
});
