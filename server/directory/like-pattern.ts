/**
 * A user's search text as a PostgreSQL `ILIKE` substring pattern: `%`, `_` and the escape
 * character match themselves, so typing "50%" finds "50%", not everything.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
