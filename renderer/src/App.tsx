import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../preload/api-factory';
import type { AppInfo, SessionState } from '../../shared/ipc/contract';
import type { AppError } from '../../shared/errors';
import type { Policy } from '../../shared/policy/policy-schema';
import { AppFrame } from './components/AppFrame';
import { describeError } from './error-messages';
import { LockScreen } from './lock/LockScreen';
import { SignedInScreen } from './screens/SignedInScreen';
import { SignInScreen } from './screens/SignInScreen';

export function App({ bridge }: { readonly bridge: WardlineApi }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [session, setSession] = useState<SessionState | null>(null);
  const [startupError, setStartupError] = useState<string | null>(null);
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [policyError, setPolicyError] = useState<AppError | null>(null);

  useEffect(() => {
    const stop = bridge.events.subscribe('session.changed', setSession);
    void Promise.all([bridge.app.getInfo(), bridge.session.getState(), bridge.policy.get()]).then(
      ([infoResult, stateResult, policyResult]) => {
        if (infoResult.ok) setInfo(infoResult.value);
        if (policyResult.ok) setPolicy(policyResult.value.policy);
        else setPolicyError(policyResult.error);
        if (stateResult.ok) setSession(stateResult.value);
        else setStartupError(describeError(stateResult.error));
      },
    );
    return stop;
  }, [bridge]);

  if (policyError !== null) {
    // Fails closed: no sign-in form under a policy IT did not get right.
    return (
      <AppFrame info={info}>
        <section className="card" aria-labelledby="policy-heading">
          <h1 id="policy-heading">Wardline cannot be used on this workstation</h1>
          <p role="alert">{describeError(policyError)}</p>
          {policyError.subjects && (
            <p>
              Settings to correct: <span className="policy-keys">{policyError.subjects.join(', ')}</span>
            </p>
          )}
        </section>
      </AppFrame>
    );
  }

  if (session?.state === 'unlocked') {
    return (
      <SignedInScreen
        bridge={bridge}
        info={info}
        session={session}
        pinMinLength={policy?.pinMinLength ?? 6}
        onSessionChange={setSession}
      />
    );
  }

  return (
    <AppFrame info={info}>
      {session?.state === 'locked' ? (
        <LockScreen bridge={bridge} locked={session} onSessionChange={setSession} />
      ) : startupError !== null ? (
        <section className="card" aria-labelledby="startup-heading">
          <h1 id="startup-heading">Wardline could not start</h1>
          <p role="alert">{startupError}</p>
        </section>
      ) : session === null ? (
        <p className="loading" role="status">
          Starting Wardline…
        </p>
      ) : (
        <SignInScreen
          bridge={bridge}
          passwordMinLength={policy?.passwordMinLength ?? 12}
          onSignedIn={setSession}
          signedOutReason={session.reason}
        />
      )}
    </AppFrame>
  );
}
