import type { ReactNode } from 'react';
import { Button } from 'react-aria-components';

/**
 * The head of a section that lists what the server holds now: its heading, a line on what it
 * shows, and Refresh, which asks for the first page again (and waits while any page is asked for).
 */
export function RefreshHead({
  heading,
  busy,
  onRefresh,
  children,
}: {
  readonly heading: ReactNode;
  readonly busy: 'first' | 'more' | null;
  readonly onRefresh: () => void;
  /** What the section shows. */
  readonly children: ReactNode;
}) {
  return (
    <div className="recent-head">
      <div>
        {heading}
        <p className="hint">{children}</p>
      </div>
      <Button className="button button-small button-secondary" isDisabled={busy !== null} onPress={onRefresh}>
        {busy === 'first' ? 'Refreshing…' : 'Refresh'}
      </Button>
    </div>
  );
}
