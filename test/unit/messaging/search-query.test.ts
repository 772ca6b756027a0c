/**
 * What a clinician types into search, turned into FTS5 phrases (main/store/search-query.ts), and
 * the extract shown with each result (main/messaging/search-snippet.ts). The invariant: input
 * reaches FTS5 only inside string literals, so no input is syntax; and input is bounded whatever
 * its size. What FTS5 itself makes of the hostile corpus is proven against a real vault in
 * test/integration/store/message-search.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { snippetOf, SNIPPET_CHARS } from '../../../main/messaging/search-snippet';
import {
  fold,
  highlightTerms,
  MAX_QUERY_CHARS,
  MAX_QUERY_WORDS,
  queryPhrases,
  searchWords,
} from '../../../main/store/search-query';
import { searchSnippetSchema } from '../../../shared/ipc/search-channels';
import { highlightedParts } from '../../../renderer/src/messaging/search/highlighted-parts';
import { HOSTILE_QUERIES } from '../../support/hostile-search-queries';

const query = (input: string) => queryPhrases(searchWords(input)).join(' ');

describe('query building', () => {
  it('quotes every word and makes only the last a prefix', () => {
    expect(query('potassium chest')).toBe('"potassium" "chest"*');
    expect(query('  Quigley   bed\t4 ')).toBe('"Quigley" "bed" "4"');
    expect(query('bed 42')).toBe('"bed" "42"*');
    expect(query("O'Brien")).toBe('"O\'Brien"*');
  });

  it('matches a last word of one character exactly, not as everything that starts with it', () => {
    expect(query('vitamin k')).toBe('"vitamin" "k"');
    expect(query("o'b")).toBe('"o\'b"');
  });

  it('keeps a quote inside its literal by doubling it', () => {
    expect(query('pot"assium')).toBe('"pot""assium"*');
    expect(query('"potassium')).toBe('"""potassium"*');
  });

  it('keeps operators and column filters as words', () => {
    expect(query('NEAR(potassium chest, 2)')).toBe('"NEAR(potassium" "chest," "2)"');
    expect(query('body:potassium')).toBe('"body:potassium"*');
    expect(query('potassium AND NOT chest')).toBe('"potassium" "AND" "NOT" "chest"*');
  });

  it('drops words with nothing to index, and answers nothing for a query of only those', () => {
    for (const input of ['"', '*', '(', ')', ':', '🙂', '\\', '- : ^ +', ''])
      expect(searchWords(input), JSON.stringify(input)).toEqual([]);
    expect(query('🙂 potassium')).toBe('"potassium"*');
  });

  it.each(HOSTILE_QUERIES.map((input) => [JSON.stringify(input).slice(0, 40), input]))(
    'bounds and quotes %s',
    (_, input) => {
      const words = searchWords(input);
      expect(words.length).toBeLessThanOrEqual(MAX_QUERY_WORDS);
      expect(words.join(' ').length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
      for (const phrase of queryPhrases(words)) {
        // One literal: opens and closes with a quote, every inner quote doubled, then at most `*`.
        expect(phrase).toMatch(/^"(?:[^"]|"")*"\*?$/);
      }
    },
  );

  it('reads a word with invisible or control characters in it as the word', () => {
    expect(searchWords('pot\u200bassium')).toEqual(['potassium']);
    expect(searchWords('\u0000potassium\u0007 bed')).toEqual(['potassium', 'bed']);
    expect(searchWords('\u202epotassium\u202c')).toEqual(['potassium']);
  });

  it('bounds a 10,000 character query to its first characters and words', () => {
    expect(searchWords('x'.repeat(10_000))).toEqual(['x'.repeat(64)]);
    expect(searchWords('ab '.repeat(5_000))).toHaveLength(MAX_QUERY_WORDS);
  });
});

describe('highlighting', () => {
  const terms = highlightTerms(searchWords('Quigley potas'));

  it('folds case and diacritics as the index does', () => {
    expect(fold('Ångström')).toBe('angstrom');
    expect(fold('QUIGLEY')).toBe('quigley');
  });

  it('marks each word found, the last as a prefix, as offsets into the text', () => {
    const snippet = snippetOf('body', 'Mr quigley: Potassium 5.9, recheck potassium at 18:00', terms);
    expect(snippet.text).toBe('Mr quigley: Potassium 5.9, recheck potassium at 18:00');
    expect(snippet.matches.map(({ start, end }) => snippet.text.slice(start, end))).toEqual([
      'quigley',
      'Potassium',
      'potassium',
    ]);
    expect(searchSnippetSchema.safeParse(snippet).success).toBe(true);
  });

  it('shows a window around the first match of a long text, cut at code points, with ellipses', () => {
    const long = `${'🙂 lorem ipsum '.repeat(40)}quigley potassium ${'dolor sit '.repeat(60)}`;
    const snippet = snippetOf('body', long, terms);
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.text.length).toBeLessThanOrEqual(SNIPPET_CHARS + 2);
    expect(snippet.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(snippet.matches.map(({ start, end }) => snippet.text.slice(start, end))).toEqual(['quigley', 'potassium']);
    expect(searchSnippetSchema.safeParse(snippet).success).toBe(true);
  });

  it('drops invisible and direction-changing characters and flattens lines before measuring', () => {
    const snippet = snippetOf('body', 'Bed 4\n\u202eQuigley\u202c\u200b potassium', terms);
    expect(snippet.text).toBe('Bed 4 Quigley potassium');
    expect(snippet.matches.map(({ start, end }) => snippet.text.slice(start, end))).toEqual(['Quigley', 'potassium']);
  });

  it('is renderable as runs of text and marks, never markup', () => {
    const snippet = snippetOf('body', '<img src=x onerror=alert(1)> quigley', terms);
    expect(highlightedParts(snippet)).toEqual([
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: 'quigley', match: true },
    ]);
    // Spans a hostile answer might carry are skipped, not trusted.
    expect(
      highlightedParts({
        text: 'abc',
        matches: [
          { start: 2, end: 9 },
          { start: 1, end: 2 },
          { start: 0, end: 1 },
        ],
      }),
    ).toEqual([
      { text: 'a', match: false },
      { text: 'b', match: true },
      { text: 'c', match: false },
    ]);
  });
});
