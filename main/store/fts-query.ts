/**
 * Turns what a clinician typed into a safe FTS5 query: every word becomes a quoted prefix term,
 * so operators, column filters and quotes in the input are text, never query syntax.
 */
const MAX_TERMS = 8;

export function ftsQuery(input: string): string | null {
  const words = input
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .slice(0, MAX_TERMS);
  if (words.length === 0) return null;
  return words.map((word) => `"${word}"*`).join(' ');
}
