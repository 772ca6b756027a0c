import { describe, expect, it } from 'vitest';
import { auditSearchFilter } from '../../../shared/audit/audit-entry';
import { AUDIT_ACTIONS } from '../../../shared/audit/audit-event';
import {
  ACTION_OPTIONS,
  actionLabel,
  alertLabel,
  isAuditAction,
  localTime,
  objectText,
  shortId,
  utcTime,
} from '../../../renderer/src/compliance/audit-labels';
import { EMPTY_FORM, filterFromForm, firstInvalid } from '../../../renderer/src/compliance/audit-filter';
import { combineVerification, verificationText } from '../../../renderer/src/compliance/audit-verification';
import type { Verification } from '../../../renderer/src/compliance/audit-types';

const CONVERSATION = '3f2a9c1e-0b7d-4c2e-9a51-6d0e8f4b2a17';

describe('the action labels', () => {
  it('offer every action in the catalogue, in its order, each with its own label', () => {
    expect(ACTION_OPTIONS.map((option) => option.value)).toEqual([...AUDIT_ACTIONS]);
    expect(new Set(ACTION_OPTIONS.map((option) => option.label)).size).toBe(AUDIT_ACTIONS.length);
    expect(actionLabel('conversation.opened')).toBe('Conversation opened');
    expect(isAuditAction('conversation.opened')).toBe(true);
    expect(isAuditAction('toString')).toBe(false);
    expect(isAuditAction('')).toBe(false);
  });

  it('name objects by kind and id, a search by its result count only', () => {
    expect(objectText({ kind: 'conversation', id: CONVERSATION })).toEqual({
      text: 'Conversation 3f2a9c1e…',
      full: CONVERSATION,
    });
    expect(objectText({ kind: 'search', resultCount: 1 }).text).toBe('Search: 1 result');
    expect(objectText({ kind: 'search', resultCount: 12 }).text).toBe('Search: 12 results');
    expect(objectText({ kind: 'patient', id: 'pat-A1B2C3' }).text).toBe('Patient pat-A1B2C3');
    expect(objectText({ kind: 'account', id: 'nurse.adams' }).text).toBe('Account nurse.adams');
    expect(objectText({ kind: 'none' }).text).toBe('—');
    expect(objectText({ kind: 'legal-hold', id: CONVERSATION, userId: 'dr.appiah' })).toEqual({
      text: 'Legal hold 3f2a9c1e… on dr.appiah',
      full: CONVERSATION,
    });
    expect(objectText({ kind: 'legal-hold', id: CONVERSATION, userId: null }).text).toBe(
      'Legal hold 3f2a9c1e… on the whole trail',
    );
    expect(objectText({ kind: 'role-address', id: 'role:oncall-renal', userId: null }).text).toBe(
      'Role address role:oncall-renal',
    );
    expect(objectText({ kind: 'role-address', id: 'role:oncall-renal', userId: 'dr.owusu' }).text).toBe(
      'Role address role:oncall-renal, member dr.owusu',
    );
    expect(objectText({ kind: 'availability', id: 'dr.owusu', state: 'dnd', coverUserId: null }).text).toBe(
      'Availability of dr.owusu: do not disturb',
    );
    expect(objectText({ kind: 'availability', id: 'dr.owusu', state: 'off-duty', coverUserId: 'dr.appiah' }).text).toBe(
      'Availability of dr.owusu: off duty, covered by dr.appiah',
    );
    expect(objectText({ kind: 'audit-purge', receivedBefore: Date.UTC(2019, 4, 1, 8), records: 1 })).toEqual({
      text: 'Purge: 1 record received before 2019-05-01',
      full: 'Received before 2019-05-01T08:00:00.000Z',
    });
    expect(objectText({ kind: 'audit-purge', receivedBefore: 8.64e15, records: 0 }).text).toBe(
      'Purge: 0 records received before —',
    );
    const run = { kind: 'message-retention', removedBefore: Date.UTC(2020, 0, 1), attachments: 1 } as const;
    expect(objectText({ ...run, days: 2190, messages: 12 }).text).toBe(
      'Retention 2190 days: 12 messages, 1 attachment removed',
    );
    expect(objectText({ ...run, days: 2190, messages: 12, roleAddressBounds: 2 }).text).toBe(
      'Retention 2190 days (2 role addresses on their own): 12 messages, 1 attachment removed',
    );
    expect(objectText({ ...run, days: 30, messages: 1, roleAddress: 'role:oncall-renal' })).toEqual({
      text: 'Retention 30 days for role:oncall-renal: 1 message, 1 attachment removed',
      full: 'Accepted before 2020-01-01T00:00:00.000Z',
    });
    expect(
      objectText({ kind: 'siem-destination', host: 'siem.hospital.example', port: 6514, caSha256: 'ab'.repeat(16) })
        .text,
    ).toBe('SIEM siem.hospital.example:6514');
    expect(shortId(CONVERSATION)).toBe('3f2a9c1e…');
    expect(alertLabel('gap')).toContain('missing');
  });

  it('shows local time to the second, and UTC for the tooltip', () => {
    const at = Date.UTC(2025, 4, 12, 13, 5, 9, 120);
    expect(localTime(at, { timeZone: 'Europe/London' })).toBe('2025-05-12 14:05:09');
    expect(localTime(Date.UTC(2025, 0, 1, 0, 0, 0), { timeZone: 'UTC' })).toBe('2025-01-01 00:00:00');
    expect(utcTime(at)).toBe('2025-05-12T13:05:09.120Z');
  });
});

describe('filterFromForm', () => {
  it('turns an empty form into no filter at all', () => {
    expect(filterFromForm(EMPTY_FORM)).toEqual({
      ok: true,
      value: {
        userId: null,
        patient: null,
        workstationId: null,
        conversationId: null,
        action: null,
        since: null,
        until: null,
      },
    });
  });

  it('normalises ids, and gives what the channel accepts', () => {
    const result = filterFromForm({
      ...EMPTY_FORM,
      userId: ' Nurse.Adams ',
      conversationId: CONVERSATION.toUpperCase(),
      patient: 'pat-Ab12',
      action: 'conversation.opened',
    });
    if (!result.ok) throw new Error('refused');
    expect(result.value).toMatchObject({
      userId: 'nurse.adams',
      conversationId: CONVERSATION,
      patient: 'pat-Ab12',
      action: 'conversation.opened',
    });
    expect(auditSearchFilter.safeParse(result.value).success).toBe(true);
  });

  it('names each field that cannot be right, first in the form order', () => {
    const result = filterFromForm({ ...EMPTY_FORM, patient: 'Jane Doe', workstationId: '3f2a9c1e', userId: 'a b' });
    if (result.ok) throw new Error('accepted');
    expect(Object.keys(result.error).sort()).toEqual(['patient', 'userId', 'workstationId']);
    expect(result.error.patient).toContain('pat-');
    // The message never repeats what was typed.
    expect(Object.values(result.error).join(' ')).not.toContain('Jane');
    expect(firstInvalid(result.error)).toBe('userId');
  });

  it('reads From and To as local minutes, To including its whole minute', () => {
    const result = filterFromForm({ ...EMPTY_FORM, from: '2025-05-12T14:00', to: '2025-05-12T14:00' });
    if (!result.ok) throw new Error('refused');
    expect(result.value.since).toBe(new Date(2025, 4, 12, 14, 0).getTime());
    expect(result.value.until).toBe(new Date(2025, 4, 12, 14, 1).getTime());
    const backwards = filterFromForm({ ...EMPTY_FORM, from: '2025-05-12T14:00', to: '2025-05-12T13:59' });
    expect(!backwards.ok && backwards.error.to).toContain('before');
    const partial = filterFromForm({ ...EMPTY_FORM, from: '2025-05-12' });
    expect(!partial.ok && Object.keys(partial.error)).toEqual(['from']);
  });
});

const verified = (checked: number, headSize: number, headAt = Date.UTC(2025, 4, 12, 13, 5)): Verification => ({
  status: 'verified',
  headSize,
  headAt,
  checked,
  problems: [],
});

describe('the verification', () => {
  it('adds up pages against the newest head; one broken page breaks the whole', () => {
    expect(combineVerification([])).toBeNull();
    expect(combineVerification([verified(200, 300), verified(50, 310)])).toMatchObject({
      status: 'verified',
      checked: 250,
      headSize: 310,
    });
    const broken: Verification = {
      status: 'broken',
      headSize: 320,
      headAt: 1,
      checked: 10,
      problems: [{ treeIndex: 7, problem: 'the record does not match its hash' }],
    };
    expect(combineVerification([broken, verified(5, 330)])).toMatchObject({
      status: 'broken',
      checked: 15,
      headSize: 330,
      problems: broken.problems,
    });
  });

  it('says how many records were proven in which head, or what broke', () => {
    const time = () => '14:05';
    expect(verificationText(verified(1, 57), time).headline).toBe(
      'Verified: 1 record proven in the signed audit head of 57 records (signed 14:05).',
    );
    expect(verificationText(verified(0, 57), time).headline).toContain('no records match');
    expect(verificationText({ status: 'empty', headSize: 0, headAt: null, checked: 0, problems: [] }, time).tone).toBe(
      'empty',
    );
    const text = verificationText(
      {
        status: 'broken',
        headSize: 9,
        headAt: 0,
        checked: 2,
        problems: [
          { treeIndex: 4, problem: 'the record does not match its hash' },
          { treeIndex: null, problem: 'the tree head signature does not verify' },
        ],
      },
      time,
    );
    expect(text.tone).toBe('broken');
    expect(text.headline).toMatch(/^Not verified/);
    expect(text.problems).toEqual([
      'Record 4: the record does not match its hash',
      'Trail: the tree head signature does not verify',
    ]);
  });
});
