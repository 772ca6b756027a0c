/**
 * The session machine's clock: while a deadline is pending (a countdown, an idle lock, a logoff),
 * a tick is fed to it every `tickMs`. The machine stays pure; this owns the one timer.
 */
export interface DeadlineTicker {
  start(): void;
  stop(): void;
}

export interface DeadlineTickerDeps {
  readonly tickMs: number;
  /** Whether any deadline is pending now: ticks are skipped while none is. */
  readonly pending: () => boolean;
  readonly tick: () => Promise<void>;
  readonly onError: (error: unknown) => void;
}

export function createDeadlineTicker(deps: DeadlineTickerDeps): DeadlineTicker {
  let timer: NodeJS.Timeout | null = null;
  const ticker = {
    start() {
      ticker.stop();
      timer = setInterval(() => {
        if (!deps.pending()) return;
        void deps.tick().catch(deps.onError);
      }, deps.tickMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return ticker;
}
