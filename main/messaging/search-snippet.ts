/**
 * A search result's extract: a short window of the text around the first word the query found,
 * on one line, with each matched word as a span (offsets, not markup). Pure.
 *
 * The text goes through `displayText` first (no invisible or direction-changing characters,
 * whitespace flattened), so the renderer shows exactly what the spans were computed on. A
 * window never splits a surrogate pair, and says where it was cut with an ellipsis.
 */
import type { SearchSnippet } from '../../shared/ipc/search-channels';
import { displayText } from '../../shared/text/display-text';
import { isHighlighted, tokensOf, type HighlightTerms } from '../store/search-query';

/** Characters of text in a snippet, ellipses aside. */
export const SNIPPET_CHARS = 160;
/** Context kept before the first match. */
const LEAD_CHARS = 40;
const MAX_SPANS = 40;
const ELLIPSIS = '…';

/** Moves `at` off the second half of a surrogate pair. */
function onCodePoint(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return at > 0 && at < text.length && code >= 0xdc00 && code <= 0xdfff ? at - 1 : at;
}

export function snippetOf(field: SearchSnippet['field'], raw: string, terms: HighlightTerms): SearchSnippet {
  const text = displayText(raw);
  const found = tokensOf(text).filter(({ token }) => isHighlighted(token, terms));
  const first = found[0]?.start ?? 0;
  let start = onCodePoint(text, Math.max(0, first - LEAD_CHARS));
  // Begin at a word rather than inside one, when a space is near.
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < first) start = space + 1;
  }
  const end = onCodePoint(text, Math.min(text.length, start + SNIPPET_CHARS));
  const lead = start > 0 ? ELLIPSIS : '';
  const shown = `${lead}${text.slice(start, end)}${end < text.length ? ELLIPSIS : ''}`;
  const matches = found
    .filter((span) => span.start >= start && span.end <= end)
    .slice(0, MAX_SPANS)
    .map((span) => ({ start: span.start - start + lead.length, end: span.end - start + lead.length }));
  return { field, text: shown, matches };
}
