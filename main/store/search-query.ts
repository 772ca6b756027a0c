/**
 * What a clinician types into message search, as FTS5 queries that can only ever mean "these
 * words". Pure: the vault's search (ops/search-ops.ts) runs what this builds, and the snippet
 * (main/messaging/search-snippet.ts) highlights what it matched with the same words.
 *
 * Invariant: no input reaches FTS5 as syntax. Each word is one string literal (double quotes,
 * an inner quote doubled), so `*`, `"`, `(`, `NEAR(`, `AND`, `body:` and `^` are only characters
 * the tokenizer drops or indexes; the one operator is ours: `*` after the last word, so what is
 * still being typed matches as a prefix (once its last token has MIN_PREFIX_CHARS: a one-letter
 * prefix would have FTS5 gather every word that starts with it, and "bed 4" means 4). A word with nothing FTS5 would index (only punctuation,
 * symbols or emoji) is dropped, since an empty phrase would match nothing and hide every other
 * word's matches. Input is bounded before any of this: at most MAX_QUERY_CHARS characters and
 * MAX_QUERY_WORDS words of at most MAX_WORD_CHARS each, whatever arrives.
 */
import { displayText } from '../../shared/text/display-text';

export const MAX_QUERY_CHARS = 200;
export const MAX_QUERY_WORDS = 8;
const MAX_WORD_CHARS = 64;
const MIN_PREFIX_CHARS = 2;

/**
 * A token character as FTS5's unicode61 tokenizer sees one (its default categories: letters,
 * numbers, private use); everything else separates tokens.
 */
const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;

/** The words of a query, as typed (bounded); the last one is matched as a prefix. */
export function searchWords(input: string): string[] {
  // Bounded before anything else looks at it; then, as any displayed text is, without invisible
  // characters (a zero-width space inside a word is not a second word) and controls (NUL among them).
  const bounded = displayText(
    Array.from(input.slice(0, MAX_QUERY_CHARS * 2))
      .slice(0, MAX_QUERY_CHARS)
      .join(''),
  );
  return bounded
    .split(' ')
    .map((word) => Array.from(word).slice(0, MAX_WORD_CHARS).join(''))
    .filter((word) => tokensOf(word).length > 0)
    .slice(0, MAX_QUERY_WORDS);
}

/** One word as an FTS5 string literal; `prefix`: its last token matches as a prefix. */
function phrase(word: string, prefix: boolean): string {
  return `"${word.replaceAll('"', '""')}"${prefix ? '*' : ''}`;
}

/** Whether the query's last word is matched as a prefix: its last token is long enough. */
function lastIsPrefix(words: readonly string[]): boolean {
  const last = tokensOf(words.at(-1) ?? '').at(-1)?.token ?? '';
  return Array.from(last).length >= MIN_PREFIX_CHARS;
}

/**
 * Each word as one FTS5 phrase, the last a prefix if long enough. Joined by spaces they are the
 * query (FTS5's implicit AND: every word must match); search-ops.ts also runs them apart.
 */
export function queryPhrases(words: readonly string[]): string[] {
  const prefix = lastIsPrefix(words);
  return words.map((word, i) => phrase(word, prefix && i === words.length - 1));
}

/**
 * A token as the index compares it (unicode61 with remove_diacritics 2): case and diacritics
 * folded away. An approximation in JavaScript, used only to highlight; FTS5 decides what matches.
 */
export function fold(token: string): string {
  return token.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The tokens of `text` with where each lies in it (UTF-16 offsets). */
export function tokensOf(text: string): { readonly token: string; readonly start: number; readonly end: number }[] {
  return Array.from(text.matchAll(TOKEN), (match) => ({
    token: match[0],
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/** What a highlight looks for: each query token folded; the very last one as a prefix when the query makes it one. */
export interface HighlightTerms {
  readonly exact: ReadonlySet<string>;
  readonly prefix: string | null;
}

export function highlightTerms(words: readonly string[]): HighlightTerms {
  const folded = words.flatMap((word) => tokensOf(word).map(({ token }) => fold(token)));
  const last = lastIsPrefix(words) ? (folded.pop() ?? null) : null;
  return { exact: new Set(folded), prefix: last };
}

/** Whether a token of the text is one the query asked for. */
export function isHighlighted(token: string, terms: HighlightTerms): boolean {
  const folded = fold(token);
  return terms.exact.has(folded) || (terms.prefix !== null && folded.startsWith(terms.prefix));
}
