/**
 * The header's catch-up progress (main/messaging/catch-up-progress.ts and the renderer's
 * ConnectionStatus): counts from the announced backlog and the vault's cursor, over once the
 * cursor reaches the backlog's end, and shown as counts and a progress bar, never content.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createCatchUpProgress, type CatchUp } from '../../../main/messaging/catch-up-progress';
import { ConnectionStatus } from '../../../renderer/src/session/ConnectionStatus';

function tracked() {
  const reports: (CatchUp | null)[] = [];
  return { reports, progress: createCatchUpProgress((report) => reports.push(report)) };
}

describe('catch-up progress', () => {
  it('counts from the vault cursor to the backlog’s end, then ends', () => {
    const { reports, progress } = tracked();
    progress.backlog(100, 10_100);
    progress.stored(2_100);
    progress.stored(10_100);
    progress.stored(10_200);
    expect(reports).toEqual([{ stored: 0, total: 10_000 }, { stored: 2_000, total: 10_000 }, null]);
  });

  it('says nothing of a backlog the vault already holds, or after the stream left catching up', () => {
    const { reports, progress } = tracked();
    progress.backlog(500, 500);
    progress.stored(600);
    progress.backlog(0, 1_000);
    progress.cancel();
    progress.stored(10);
    expect(reports).toEqual([{ stored: 0, total: 1_000 }]);
  });

  it('is shown as counts and a progress bar while connecting, and as the plain state otherwise', () => {
    const catching = renderToStaticMarkup(
      createElement(ConnectionStatus, {
        connection: { state: 'connecting', catchUp: { stored: 3_200, total: 10_000 } },
      }),
    );
    expect(catching).toContain('Catching up… 3,200 of 10,000');
    expect(catching).toMatch(/<progress[^>]*aria-label="Updates received while away"[^>]*value="3200"[^>]*max="10000"/);
    const online = renderToStaticMarkup(
      createElement(ConnectionStatus, { connection: { state: 'online', catchUp: { stored: 1, total: 2 } } }),
    );
    expect(online).toContain('Online');
    expect(online).not.toContain('progress');
  });
});
