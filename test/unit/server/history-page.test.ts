import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trimPage } from '../../../server/relay/history-page';

const at = (row: { at: number }) => row.at;
const rows = (...times: number[]) => times.map((time, index) => ({ id: index, at: time }));

describe('history paging', () => {
  it('returns everything when it fits', () => {
    expect(trimPage(rows(5, 4), 2, at)).toEqual({ items: rows(5, 4), more: false, splitGroupAt: null });
  });

  it('cuts at the limit when the cut is between two times', () => {
    expect(trimPage(rows(5, 4, 3), 2, at)).toEqual({ items: rows(5, 4), more: true, splitGroupAt: null });
  });

  it('moves a same-time group that the cut would split to the next page', () => {
    const input = rows(5, 4, 4);
    expect(trimPage(input, 2, at)).toEqual({ items: [input[0]], more: true, splitGroupAt: null });
  });

  it('asks for the whole group when the page is nothing but one group', () => {
    expect(trimPage(rows(4, 4, 4), 2, at)).toEqual({ items: [], more: true, splitGroupAt: 4 });
  });

  it('never splits a group across pages and never loses or repeats a row, walking any history', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        (times, limit) => {
          const all = times.sort((a, b) => b - a).map((time, index) => ({ id: index, at: time }));
          const seen: number[] = [];
          let before = Number.POSITIVE_INFINITY;
          for (let pages = 0; pages < 200; pages += 1) {
            const candidates = all.filter((row) => row.at < before);
            const page = trimPage(candidates.slice(0, limit + 1), limit, at);
            const items =
              page.splitGroupAt === null ? page.items : candidates.filter((row) => row.at === page.splitGroupAt);
            seen.push(...items.map((row) => row.id));
            if (!page.more || items.length === 0) break;
            before = items[items.length - 1]!.at;
          }
          expect(seen).toEqual(all.map((row) => row.id));
        },
      ),
    );
  });
});
