import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import { ReauthenticationDialog, type Prove } from './ReauthenticationDialog';
import { ReauthenticationContext, type WithReauthentication } from './use-reauthentication';

/**
 * Runs admin actions for the view below it, asking for the password and a code when the server
 * wants them (use-reauthentication.ts), and retrying the action once afterwards. One question at a
 * time: a second action waiting meanwhile shares the same answer.
 */
export function ReauthenticationProvider({
  bridge,
  prove,
  children,
}: {
  readonly bridge: WardlineApi;
  /** Where the proof goes; the Administration view's channel unless the view says otherwise. */
  readonly prove?: Prove;
  readonly children: ReactNode;
}) {
  const [asking, setAsking] = useState(false);
  const waiting = useRef<((proved: boolean) => void)[]>([]);

  const settle = useCallback((proved: boolean) => {
    const resolvers = waiting.current;
    waiting.current = [];
    setAsking(false);
    for (const resolve of resolvers) resolve(proved);
  }, []);

  // The view going away (sign-out, lock) cancels any question still open.
  useEffect(() => () => settle(false), [settle]);

  const withReauthentication = useCallback<WithReauthentication>(async (run) => {
    const first = await run();
    if (first.ok || first.error.code !== 'REAUTHENTICATION_REQUIRED') return first;
    const proved = await new Promise<boolean>((resolve) => {
      waiting.current.push(resolve);
      setAsking(true);
    });
    return proved ? run() : null;
  }, []);

  return (
    <ReauthenticationContext value={withReauthentication}>
      {children}
      <ReauthenticationDialog prove={prove ?? bridge.admin.reauthenticate} isOpen={asking} onDone={settle} />
    </ReauthenticationContext>
  );
}
