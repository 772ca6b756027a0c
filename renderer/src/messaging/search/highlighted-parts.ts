/**
 * A snippet as runs of plain and matched text, for the result list to render as text: each
 * match a `<mark>`, nothing parsed as markup. Spans that do not fit the text (a hostile or
 * stale answer) are skipped rather than trusted.
 */
import type { SearchSnippet } from '../../../../shared/ipc/search-channels';

export interface SnippetPart {
  readonly text: string;
  readonly match: boolean;
}

export function highlightedParts(snippet: Pick<SearchSnippet, 'text' | 'matches'>): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const { start, end } of snippet.matches) {
    if (start < at || end <= start || end > snippet.text.length) continue;
    if (start > at) parts.push({ text: snippet.text.slice(at, start), match: false });
    parts.push({ text: snippet.text.slice(start, end), match: true });
    at = end;
  }
  if (at < snippet.text.length) parts.push({ text: snippet.text.slice(at), match: false });
  return parts;
}
