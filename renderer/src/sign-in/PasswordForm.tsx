import { useId, useRef, useState, type SubmitEvent } from 'react';
import type { SignInProgress } from '../../../shared/ipc/contract';
import { ErrorAlert } from '../components/ErrorAlert';
import { SignInProgressNote } from './SignInProgressNote';

/** First step: User ID and Password. The password is cleared from state as soon as it is sent. */
export function PasswordForm({
  initialUserId,
  initialError,
  onSubmit,
  onEnroll,
  demoServer,
  notice = null,
  progress,
}: {
  readonly initialUserId: string;
  readonly initialError: string | null;
  readonly onSubmit: (userId: string, password: string) => Promise<string | null>;
  /** To the first sign-in form, for someone IT gave an enrollment code. */
  readonly onEnroll: () => void;
  /** A development server with demo accounts: say how to find them (never on a real server). */
  readonly demoServer: boolean;
  /** Why the last person here was signed out, when it was not their own doing. */
  readonly notice?: string | null;
  /** The step main is at, while this form's sign-in runs. */
  readonly progress: SignInProgress | null;
}) {
  const [userId, setUserId] = useState(initialUserId);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(initialError);
  const [invalid, setInvalid] = useState(false);
  const errorId = useId();
  // State updates land after this event; a ref stops a second submit (a double Enter) at once.
  const pending = useRef(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (pending.current) return;
    if (userId.trim() === '' || password === '') {
      setInvalid(true);
      setError('Enter your user ID and password.');
      return;
    }
    setBusy(true);
    setInvalid(false);
    setError(null);
    const sent = password;
    setPassword('');
    pending.current = true;
    const failure = await onSubmit(userId, sent);
    pending.current = false;
    setBusy(false);
    setError(failure);
  }

  return (
    <section className="card sign-in" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in</h1>
      {notice !== null && (
        <p className="signed-out-notice" role="status">
          {notice}
        </p>
      )}
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
        <ErrorAlert id={errorId} message={error} />
        <button type="submit" className="button button-primary button-wide" disabled={busy} aria-busy={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <SignInProgressNote step={busy ? progress : null} secret="password" />
      </form>
      <p className="enroll-offer">
        New to Wardline, or IT reset your password?{' '}
        <button type="button" className="button button-link" onClick={onEnroll}>
          Use an enrollment code
        </button>
      </p>
      {demoServer && (
        <aside className="demo-note" aria-label="Demo accounts">
          <h2>Demo accounts</h2>
          <p>
            This is a demo server. The terminal that started Wardline lists its accounts; <code>npm run demo:code</code>{' '}
            prints their passwords and codes.
          </p>
        </aside>
      )}
    </section>
  );
}
