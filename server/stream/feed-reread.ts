/**
 * Every stream re-reads its feed when notifications may have been lost (the LISTEN connection
 * dropped and came back). Thousands of streams reading at once would queue behind a pool of ten
 * connections and starve sends, so the re-reads run at most `limit` at a time, and a second drop
 * while they run queues one more pass instead of a second stampede.
 */

export interface Rereadable {
  /** Re-reads the feed; resolves when this stream has caught up (or given up). */
  feedChanged(): Promise<void>;
}

export interface FeedReread {
  /** Re-reads every stream `streams()` names at that moment; resolves when the pass (or passes) end. */
  run(): Promise<void>;
}

export function createFeedReread(streams: () => Iterable<Rereadable>, limit: number): FeedReread {
  let running: Promise<void> | null = null;
  let again = false;
  // A function, not an inline read: `run` sets `again` while a pass awaits.
  const owed = () => again;

  async function pass(): Promise<void> {
    const queue = [...streams()];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await next.feedChanged();
    };
    await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
  }

  async function loop(): Promise<void> {
    try {
      do {
        again = false;
        await pass();
      } while (owed());
    } finally {
      running = null;
    }
  }

  return {
    run() {
      if (running !== null) {
        // A pass under way may already have read some streams: they are read once more.
        again = true;
        return running;
      }
      running = loop();
      return running;
    },
  };
}
