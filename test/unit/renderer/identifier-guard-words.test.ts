/** What the compose box says when the identifier check speaks, and what it selects (issue 19, item 3). */
import { describe, expect, it } from 'vitest';
import { objectText } from '../../../renderer/src/compliance/audit-labels';
import { flaggedSpots, spotCounts } from '../../../renderer/src/messaging/guard/flagged-spots';
import {
  blockedText,
  countedPhrase,
  foundPhrase,
  stillFlaggedText,
  warningDetail,
  warningQuestion,
} from '../../../renderer/src/messaging/guard/identifier-words';
import { IDENTIFIER_KINDS } from '../../../shared/text/identifier-guard/identifier-kinds';

describe('the warning’s words', () => {
  it('asks as the issue puts it, for one identifier', () => {
    expect(warningQuestion([{ kind: 'ssn', count: 1 }])).toBe(
      'This message contains a social security number. Send anyway?',
    );
  });

  it('counts in words, lists several kinds as a sentence does, and chooses it or them', () => {
    expect(countedPhrase({ kind: 'phone', count: 2 })).toBe('two phone numbers');
    expect(countedPhrase({ kind: 'email', count: 1 })).toBe('an email address');
    expect(countedPhrase({ kind: 'date-of-birth', count: 12 })).toBe('12 dates of birth');
    expect(
      foundPhrase([
        { kind: 'ssn', count: 1 },
        { kind: 'date-of-birth', count: 1 },
        { kind: 'phone', count: 3 },
      ]),
    ).toBe('a social security number, a date of birth and three phone numbers');
    expect(warningDetail([{ kind: 'ssn', count: 1 }])).toContain('If they need it, send anyway');
    expect(warningDetail([{ kind: 'ssn', count: 2 }])).toContain('If they need them, send anyway');
    expect(blockedText([{ kind: 'card-number', count: 1 }])).toBe(
      'This message cannot be sent: it contains a payment card number, which hospital policy does not allow in messages. Remove it, then send.',
    );
    expect(stillFlaggedText([])).toBe('Nothing is flagged now.');
  });
});

describe('the flagged spots', () => {
  it('finds each one in its field, subject first, in text order', () => {
    const context = { now: Date.UTC(2026, 5, 1), mrnFormats: [] };
    const spots = flaggedSpots(
      [
        { id: 'subject', text: 'DOB 12/03/1948' },
        { id: 'message', text: 'call 212-555-0143, SSN 123-45-6789' },
      ],
      context,
    );
    expect(spots).toEqual([
      { fieldId: 'subject', kind: 'date-of-birth', start: 4, end: 14 },
      { fieldId: 'message', kind: 'phone', start: 5, end: 17 },
      { fieldId: 'message', kind: 'ssn', start: 23, end: 34 },
    ]);
    expect(spotCounts(spots, IDENTIFIER_KINDS)).toEqual([
      { kind: 'ssn', count: 1 },
      { kind: 'date-of-birth', count: 1 },
      { kind: 'phone', count: 1 },
    ]);
  });
});

describe('the compliance view', () => {
  it('names a guard record by kinds and counts and its conversation, never more', () => {
    const conversationId = '3f2a9c1e-0b7d-4c2e-9a51-6d0e8f4b2a17';
    expect(
      objectText({
        kind: 'identifiers',
        conversationId,
        found: [
          { identifier: 'ssn', count: 1 },
          { identifier: 'phone', count: 2 },
        ],
      }),
    ).toEqual({
      text: 'Found: a social security number and two phone numbers in conversation 3f2a9c1e…',
      full: conversationId,
    });
    expect(
      objectText({ kind: 'identifiers', conversationId: null, found: [{ identifier: 'mrn', count: 1 }] }).text,
    ).toBe('Found: a medical record number (new conversation)');
  });
});
