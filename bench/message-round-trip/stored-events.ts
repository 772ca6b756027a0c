/** The recipient workstation's `stored` events, as the round-trip bench waits for them. */
import type { ChildHandle } from '../support/child-rpc';
import type { Series } from './stages';

const STORE_TIMEOUT_MS = 15_000;

interface Stored {
  readonly series: Series;
  readonly at: number;
  readonly id?: string;
}

/** Waits for the recipient's `stored` events in order, per series. */
export function storedEvents(recipient: ChildHandle) {
  const queues: Record<Series, Stored[]> = { encrypted: [], baseline: [] };
  const waiters: Record<Series, ((stored: Stored) => void)[]> = { encrypted: [], baseline: [] };
  recipient.onEvent((name, data) => {
    if (name !== 'stored') return;
    const stored = data as Stored;
    const waiter = waiters[stored.series].shift();
    if (waiter) waiter(stored);
    else queues[stored.series].push(stored);
  });
  return {
    next(series: Series): Promise<Stored> {
      const queued = queues[series].shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${series} message stored within ${String(STORE_TIMEOUT_MS)} ms`)),
          STORE_TIMEOUT_MS,
        );
        waiters[series].push((stored) => {
          clearTimeout(timer);
          resolve(stored);
        });
      });
    },
    pending: () => queues.encrypted.length + queues.baseline.length,
  };
}
