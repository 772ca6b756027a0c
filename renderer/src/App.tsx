import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../preload/api-factory';
import type { AppInfo, SessionState } from '../../shared/ipc/contract';
import { AppFrame } from './components/AppFrame';
import { describeError } from './error-messages';
import { SignedInScreen } from './screens/SignedInScreen';
import { SignInScreen } from './screens/SignInScreen';

export function App({ bridge }: { readonly bridge: WardlineApi }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [session, setSession] = useState<SessionState | null>(null);
  const [startupError, setStartupError] = useState<string | null>(null);

  useEffect(() => {
    const stop = bridge.events.subscribe('session.changed', setSession);
    void Promise.all([bridge.app.getInfo(), bridge.session.getState()]).then(([infoResult, stateResult]) => {
      if (infoResult.ok) setInfo(infoResult.value);
      if (stateResult.ok) setSession(stateResult.value);
      else setStartupError(describeError(stateResult.error));
    });
    return stop;
  }, [bridge]);

  if (session?.state === 'unlocked') {
    return <SignedInScreen bridge={bridge} info={info} user={session.user} onSessionChange={setSession} />;
  }

  return (
    <AppFrame info={info}>
      {startupError !== null ? (
        <section className="card" aria-labelledby="startup-heading">
          <h1 id="startup-heading">Wardline could not start</h1>
          <p role="alert">{startupError}</p>
        </section>
      ) : session === null ? (
        <p className="loading" role="status">
          Starting Wardline…
        </p>
      ) : (
        // Locked or signed out: the same sign-in, which opens this user's workstation vault again.
        <SignInScreen bridge={bridge} onSignedIn={setSession} lockedFor={session.state === 'locked' ? (session.displayName ?? '') : null} />
      )}
    </AppFrame>
  );
}
