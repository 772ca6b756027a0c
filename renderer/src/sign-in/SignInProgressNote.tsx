import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { SignInProgress } from '../../../shared/ipc/contract';
import { PROGRESS_DELAY_MS, progressWords, type TypedSecret } from './sign-in-progress-words';
import './sign-in-progress.css';

/** The step main says a sign-in or unlock is at, or null when none is under way. */
export function useSignInProgress(bridge: WardlineApi): SignInProgress | null {
  const [step, setStep] = useState<SignInProgress | null>(null);
  useEffect(() => bridge.events.subscribe('session.progress', (payload) => setStep(payload.step)), [bridge]);
  return step;
}

/**
 * Under the form's button: the step under way, once the attempt has lasted over a second, with an
 * indeterminate bar. The live region is always there (empty while quiet), so a screen reader hears
 * each step as it comes.
 */
export function SignInProgressNote({
  step,
  secret,
}: {
  readonly step: SignInProgress | null;
  readonly secret: TypedSecret;
}) {
  const active = step !== null;
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!active) return undefined;
    const timer = setTimeout(() => setLate(true), PROGRESS_DELAY_MS);
    return () => {
      clearTimeout(timer);
      setLate(false);
    };
  }, [active]);
  const shown = late && step !== null;
  return (
    <div className="sign-in-progress" role="status">
      {shown && (
        <>
          <span className="sign-in-progress-bar" aria-hidden="true" />
          <span>{progressWords(step, secret)}</span>
        </>
      )}
    </div>
  );
}
