import { useId, useRef, useState, type SubmitEvent } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { SessionState } from '../../../shared/ipc/contract';
import { ErrorAlert } from '../components/ErrorAlert';
import { ShownText } from '../components/ShownText';
import { describeError } from '../error-messages';
import { SignInProgressNote, useSignInProgress } from '../sign-in/SignInProgressNote';
import './lock.css';

type Locked = Extract<SessionState, { state: 'locked' }>;

/**
 * What a locked workstation shows: no message, no conversation, no participant; the user's name
 * only when policy allows. `Unlock` takes the PIN (when set and still usable) or the password;
 * `Switch user` signs the locked user out so a colleague can sign in.
 */
export function LockScreen({
  bridge,
  locked,
  onSessionChange,
}: {
  readonly bridge: WardlineApi;
  readonly locked: Locked;
  readonly onSessionChange: (state: SessionState) => void;
}) {
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pending = useRef(false);
  const id = useId();
  const withPin = locked.unlockWith === 'pin';
  const progress = useSignInProgress(bridge);

  async function unlock(event: SubmitEvent) {
    event.preventDefault();
    if (pending.current) return;
    if (secret === '') {
      setError(withPin ? 'Enter your PIN.' : 'Enter your password.');
      return;
    }
    pending.current = true;
    setBusy(true);
    setError(null);
    const sent = secret;
    setSecret('');
    const result = await bridge.session.unlock(withPin ? { pin: sent } : { password: sent });
    pending.current = false;
    setBusy(false);
    if (result.ok) onSessionChange(result.value);
    else setError(describeError(result.error));
  }

  async function switchUser() {
    setBusy(true);
    const result = await bridge.session.switchUser();
    setBusy(false);
    onSessionChange(result.ok ? result.value : { state: 'signed-out' });
  }

  return (
    <section className="card lock-screen" aria-labelledby={`${id}-heading`}>
      <h1 id={`${id}-heading`}>Locked</h1>
      <p className="hint">
        {locked.displayName === null ? (
          'This workstation is locked.'
        ) : (
          <>
            Locked by <ShownText text={locked.displayName} />.
          </>
        )}{' '}
        {withPin ? 'Unlock with your PIN, or switch user.' : 'Unlock with your password, or switch user.'}
      </p>
      <form onSubmit={(event) => void unlock(event)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-secret`}>{withPin ? 'PIN' : 'Password'}</label>
          <input
            id={`${id}-secret`}
            type="password"
            autoFocus
            autoComplete={withPin ? 'off' : 'current-password'}
            inputMode={withPin ? 'numeric' : 'text'}
            maxLength={withPin ? 12 : 1024}
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
          />
        </div>
        <ErrorAlert message={error} />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
            Unlock
          </button>
          <button type="button" className="button button-secondary" disabled={busy} onClick={() => void switchUser()}>
            Switch user
          </button>
        </div>
        <SignInProgressNote step={busy ? progress : null} secret={withPin ? 'PIN' : 'password'} />
      </form>
    </section>
  );
}
