import { useEffect } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';

/** At most one report this often: enough for an idle limit of minutes, cheap on the bridge. */
export const ACTIVITY_REPORT_MS = 5_000;
const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

/**
 * Tells main that someone is using the window (rate-limited), so the idle lock counts from the
 * last real input. Input inside the quiet interval is reported once at its end, so main never
 * thinks the last input older than it was. While the countdown shows, input is reported at once.
 */
export function useActivityReporter(bridge: WardlineApi): void {
  useEffect(() => {
    let last = 0;
    let warning = false;
    let trailing: ReturnType<typeof setTimeout> | null = null;
    const send = () => {
      last = Date.now();
      warning = false;
      void bridge.session.activity();
    };
    const stop = bridge.events.subscribe('session.lockWarning', (payload) => {
      warning = payload.lockAt !== null;
    });
    const report = () => {
      if (warning || Date.now() - last >= ACTIVITY_REPORT_MS) {
        send();
        return;
      }
      trailing ??= setTimeout(
        () => {
          trailing = null;
          send();
        },
        last + ACTIVITY_REPORT_MS - Date.now(),
      );
    };
    for (const name of INPUT_EVENTS) window.addEventListener(name, report, { passive: true, capture: true });
    return () => {
      stop();
      if (trailing !== null) clearTimeout(trailing);
      for (const name of INPUT_EVENTS) window.removeEventListener(name, report, { capture: true });
    };
  }, [bridge]);
}
