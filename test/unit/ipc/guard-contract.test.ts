/**
 * The identifier check at the IPC boundary: what a send request may say it acknowledged, and what
 * a refusal may carry back (kinds and counts, nothing else), both checked as a hostile page meets them.
 */
import { describe, expect, it } from 'vitest';
import { appErrorWithIdentifiers } from '../../../shared/errors';
import { sendRequestSchema } from '../../../shared/ipc/contract';
import { appErrorSchema } from '../../../shared/ipc/result';
import { IDENTIFIER_KINDS } from '../../../shared/text/identifier-guard/identifier-kinds';

const reply = {
  conversationId: '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b',
  text: 'SSN 123-45-6789',
  priority: 'routine',
  expiresInSeconds: null,
};

describe('the send request’s acknowledgement', () => {
  it('names known kinds only, at least one and each at most once in number', () => {
    expect(sendRequestSchema.safeParse({ ...reply, guardOverride: ['ssn', 'phone'] }).success).toBe(true);
    expect(sendRequestSchema.safeParse(reply).success).toBe(true);
    for (const guardOverride of [[], ['passport'], 'ssn', [...IDENTIFIER_KINDS, 'ssn'], [{ kind: 'ssn' }]])
      expect(sendRequestSchema.safeParse({ ...reply, guardOverride }).success, JSON.stringify(guardOverride)).toBe(
        false,
      );
  });
});

describe('the refusal', () => {
  it('carries kinds and counts and the fixed message, and the schema takes nothing more', () => {
    const error = appErrorWithIdentifiers('IDENTIFIERS_FOUND', [{ kind: 'ssn', count: 2 }]);
    expect(appErrorSchema.parse(error)).toEqual(error);
    expect(Object.keys(error).sort()).toEqual(['code', 'identifiers', 'message']);
    for (const identifiers of [
      [{ kind: 'ssn', count: 1, text: '123-45-6789' }],
      [{ kind: 'ssn', count: 1, spans: [{ start: 4, end: 15 }] }],
      [{ kind: 'passport', count: 1 }],
      [{ kind: 'ssn', count: 0 }],
      [],
    ])
      expect(appErrorSchema.safeParse({ ...error, identifiers }).success, JSON.stringify(identifiers)).toBe(false);
  });
});
