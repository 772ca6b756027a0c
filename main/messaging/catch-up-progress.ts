/**
 * How far a catch-up has come, for the header's progress: when a resume finds a backlog, the
 * server says how far its events run (`backlog`), and each stored page moves the vault's cursor
 * towards it. Counts only, never content. Ends when the cursor reaches the backlog's end or the
 * stream leaves the catching-up state (online, or offline again).
 */
import type { ConnectionState } from '../../shared/ipc/contract';

export type CatchUp = NonNullable<ConnectionState['catchUp']>;

export interface CatchUpProgress {
  /** A backlog from `from` (the vault's cursor) up to `through` was announced. */
  backlog(from: number, through: number): void;
  /** A page was stored: the vault's cursor is now `cursor`. */
  stored(cursor: number): void;
  /** The stream is online or offline again: over, said by the connection state itself. */
  cancel(): void;
}

export function createCatchUpProgress(report: (progress: CatchUp | null) => void): CatchUpProgress {
  let range: { readonly from: number; readonly through: number } | null = null;
  const end = () => {
    if (range === null) return;
    range = null;
    report(null);
  };
  return {
    backlog(from, through) {
      if (through <= from) return;
      range = { from, through };
      report({ stored: 0, total: through - from });
    },
    stored(cursor) {
      if (range === null) return;
      if (cursor >= range.through) end();
      else report({ stored: Math.max(0, cursor - range.from), total: range.through - range.from });
    },
    cancel() {
      range = null;
    },
  };
}
