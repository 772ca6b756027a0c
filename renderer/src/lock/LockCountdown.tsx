import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';

/**
 * The warning before an idle lock: a dialog with the seconds left. Any input anywhere cancels it
 * (the activity reporter tells main, which answers with `lockAt: null`); so does its button.
 */
export function LockCountdown({ bridge }: { readonly bridge: WardlineApi }) {
  const [lockAt, setLockAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(
    () =>
      bridge.events.subscribe('session.lockWarning', (payload) => {
        setNow(Date.now());
        setLockAt(payload.lockAt);
      }),
    [bridge],
  );
  useEffect(() => {
    if (lockAt === null) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [lockAt]);

  if (lockAt === null) return null;
  const seconds = Math.max(0, Math.ceil((lockAt - now) / 1000));
  return (
    <div className="lock-countdown-backdrop">
      <div
        className="card lock-countdown"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="lock-countdown-heading"
        aria-describedby="lock-countdown-text"
      >
        <h2 id="lock-countdown-heading">Locking soon</h2>
        <p id="lock-countdown-text">
          Wardline locks in <strong>{seconds}</strong> {seconds === 1 ? 'second' : 'seconds'} because nobody is using
          it. Press any key or move the mouse to stay.
        </p>
        <button
          type="button"
          className="button button-primary"
          autoFocus
          onClick={() => void bridge.session.activity()}
        >
          Stay signed in
        </button>
      </div>
    </div>
  );
}
