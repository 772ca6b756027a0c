/**
 * Which option becomes active for a key press in the conversation listbox (WAI-ARIA listbox
 * pattern): arrows move by one, Page keys by a screenful, Home/End to the ends. Null: the key is
 * not a navigation key, so the list leaves it alone.
 */
export function nextActiveIndex(key: string, current: number, count: number, pageSize: number): number | null {
  if (count <= 0) return null;
  const last = count - 1;
  const clamp = (index: number) => Math.min(last, Math.max(0, index));
  const from = current < 0 ? -1 : clamp(current);
  switch (key) {
    case 'ArrowDown':
      return from < 0 ? 0 : clamp(from + 1);
    case 'ArrowUp':
      return from < 0 ? 0 : clamp(from - 1);
    case 'PageDown':
      return clamp(from + Math.max(1, pageSize));
    case 'PageUp':
      return clamp(from - Math.max(1, pageSize));
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
