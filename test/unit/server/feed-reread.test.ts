/**
 * After a listener drop every stream re-reads its feed: at most `limit` at a time, every stream
 * once per pass, and drops during a pass fold into one more pass (server/stream/feed-reread.ts).
 */
import { describe, expect, it } from 'vitest';
import { createFeedReread, type Rereadable } from '../../../server/stream/feed-reread';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function streams(count: number) {
  let active = 0;
  let most = 0;
  const reads = new Array<number>(count).fill(0);
  const list: Rereadable[] = reads.map((_, i) => ({
    async feedChanged() {
      active += 1;
      most = Math.max(most, active);
      await turn();
      reads[i] = (reads[i] ?? 0) + 1;
      active -= 1;
    },
  }));
  return { list, reads, most: () => most, active: () => active };
}

describe('feed re-read after a listener drop', () => {
  it('reads every stream once, never more than the limit at a time', async () => {
    const s = streams(100);
    await createFeedReread(() => s.list, 4).run();
    expect(s.reads).toEqual(new Array(100).fill(1));
    expect(s.most()).toBe(4);
    expect(s.active()).toBe(0);
  });

  it('folds drops during a pass into one more pass, not one per drop', async () => {
    const s = streams(20);
    const reread = createFeedReread(() => s.list, 3);
    const first = reread.run();
    const second = reread.run();
    const third = reread.run();
    await Promise.all([first, second, third]);
    expect(s.reads).toEqual(new Array(20).fill(2));
    expect(s.most()).toBe(3);
    // Idle again: the next drop starts a pass of its own.
    await reread.run();
    expect(s.reads).toEqual(new Array(20).fill(3));
  });

  it('reads streams that joined before the pass began, and handles none', async () => {
    const list: Rereadable[] = [];
    const reread = createFeedReread(() => list, 4);
    await reread.run();
    const s = streams(2);
    list.push(...s.list);
    await reread.run();
    expect(s.reads).toEqual([1, 1]);
  });
});
