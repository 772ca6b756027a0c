import { describe, expect, it } from 'vitest';
import {
  emptyPagedList,
  firstPageAnswered,
  firstPageFailed,
  nextPageAnswered,
  rowReplaced,
  unlisted,
} from '../../../renderer/src/components/paged-list';

interface Row {
  readonly id: string;
  readonly label: string;
}
const keyOf = (row: Row) => row.id;
const row = (id: string, label = id): Row => ({ id, label });

describe('a list fetched a page at a time', () => {
  it('appends a later page without listing a row twice, and counts only the rows it added', () => {
    const listed = firstPageAnswered('ward', { items: [row('a'), row('b')], more: true, meta: 1 });
    // `b` moved to a later page while the first was read: it stays where it was listed.
    const page = { items: [row('b', 'moved'), row('c')], more: false, meta: 2 };
    const added = unlisted(listed.items ?? [], page.items, keyOf);
    expect(added).toEqual([row('c')]);
    const next = nextPageAnswered({ ...listed, busy: 'more' }, added, page);
    expect(next.items).toEqual([row('a'), row('b'), row('c')]);
    expect(next.pages).toEqual([1, 2]);
    expect(next).toMatchObject({ query: 'ward', more: false, busy: null, error: null });
  });

  it('empties the table when a search for something new fails, so no row answers other words', () => {
    const listed = firstPageAnswered('ward', { items: [row('a')], more: true, meta: 1 });
    const failed = firstPageFailed({ ...listed, busy: 'first' }, 'Could not search.', 'clear');
    expect(failed).toEqual({ ...emptyPagedList(), error: 'Could not search.' });
    expect(failed.query).toBeNull();
    expect(failed.items).toBeNull();
  });

  it('keeps the rows when a Refresh of the same list fails, and says why', () => {
    const listed = firstPageAnswered(undefined, { items: [row('a')], more: true, meta: 1 });
    const failed = firstPageFailed({ ...listed, busy: 'first' }, 'Could not refresh.', 'keep');
    expect(failed).toEqual({ ...listed, busy: null, error: 'Could not refresh.' });
  });

  it('replaces one listed row in place, and adds none that is not listed', () => {
    const listed = firstPageAnswered('', { items: [row('a'), row('b')], more: false, meta: 1 });
    expect(rowReplaced(listed, row('b', 'renamed'), keyOf).items).toEqual([row('a'), row('b', 'renamed')]);
    expect(rowReplaced(listed, row('z'), keyOf).items).toEqual(listed.items);
    expect(rowReplaced(emptyPagedList<string, Row, number>(), row('a'), keyOf).items).toBeNull();
  });
});
