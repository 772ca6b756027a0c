import { useId, useState, type SubmitEvent } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { SessionState } from '../../../shared/ipc/contract';
import { describeError } from '../error-messages';

export function SignInScreen({
  bridge,
  onSignedIn,
}: {
  readonly bridge: WardlineApi;
  readonly onSignedIn: (state: SessionState) => void;
}) {
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  const errorId = useId();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy) return;
    if (userId.trim() === '' || password === '') {
      setInvalid(true);
      setError('Enter your user ID and password.');
      return;
    }
    setBusy(true);
    setInvalid(false);
    setError(null);
    const result = await bridge.session.signIn({ userId, password });
    setBusy(false);
    if (result.ok) {
      setPassword('');
      onSignedIn(result.value);
    } else {
      setError(describeError(result.error));
    }
  }

  return (
    <section className="card sign-in" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in</h1>
      <p className="hint">Use your hospital user ID. Wardline locks itself when you step away.</p>
      <form onSubmit={(event) => void submit(event)} noValidate aria-describedby={error ? errorId : undefined}>
        <div className="field">
          <label htmlFor="user-id">User ID</label>
          <input
            id="user-id"
            name="userId"
            // The first thing a clinician does here is type their ID.
            autoFocus
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={64}
            value={userId}
            onChange={(event) => setUserId(event.target.value)}
            aria-invalid={invalid}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            maxLength={1024}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={invalid}
          />
        </div>
        <div id={errorId} role="alert" className={error ? 'alert' : 'alert-empty'}>
          {error}
        </div>
        <button type="submit" className="button button-primary button-wide" disabled={busy} aria-busy={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
