import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ftsQuery } from '../../../main/store/fts-query';

describe('FTS query builder', () => {
  it('turns words into quoted prefix terms', () => {
    expect(ftsQuery('potassium recheck')).toBe('"potassium"* "recheck"*');
  });

  it('treats FTS syntax as text', () => {
    expect(ftsQuery('body:secret OR "x" NEAR(a b) *')).toBe('"body"* "secret"* "OR"* "x"* "NEAR"* "a"* "b"*');
  });

  it('answers null when nothing searchable remains', () => {
    expect(ftsQuery('  "* ()  ')).toBeNull();
  });

  it('never lets a double quote through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        const query = ftsQuery(input);
        if (query === null) return;
        expect(query).toMatch(/^("[\p{L}\p{N}]+"\*)( "[\p{L}\p{N}]+"\*)*$/u);
      }),
    );
  });
});
