/**
 * Paging newest-first by acceptance time with a plain `before` timestamp: a page must not end in
 * the middle of a group of envelopes accepted in the same millisecond, or the next page (which
 * asks for everything strictly before that millisecond) would skip the rest of the group.
 * Pure: it gets `limit + 1` rows, newest first, and decides what this page returns.
 */
/**
 * `rows` is newest first and holds up to limit + 1 rows. If the page would split a same-time
 * group, the group moves to the next page. When the whole page is one group, nothing can move:
 * `splitGroupAt` names that time and the caller returns the group whole.
 */
export function trimPage<T>(
  rows: readonly T[],
  limit: number,
  timeOf: (row: T) => number,
): { items: T[]; more: boolean; splitGroupAt: number | null } {
  if (rows.length <= limit) return { items: [...rows], more: false, splitGroupAt: null };
  const page = rows.slice(0, limit);
  const boundary = timeOf(rows[limit] as T);
  if (timeOf(page[page.length - 1] as T) !== boundary) return { items: page, more: true, splitGroupAt: null };
  const kept = page.filter((row) => timeOf(row) !== boundary);
  if (kept.length > 0) return { items: kept, more: true, splitGroupAt: null };
  return { items: [], more: true, splitGroupAt: boundary };
}
