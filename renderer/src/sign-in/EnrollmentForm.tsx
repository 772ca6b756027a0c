import { useId, useRef, useState, type SubmitEvent } from 'react';
import { passwordLongEnough } from '../../../shared/text/password-length';
import type { SignInProgress } from '../../../shared/ipc/contract';
import { ErrorAlert } from '../components/ErrorAlert';
import { SignInProgressNote } from './SignInProgressNote';

/**
 * First sign-in with the one-time enrollment code IT gave (a new account, or after a password
 * reset): the person chooses their password here, typed twice. Both passwords are cleared from
 * state as soon as they are sent; the length rule is machine policy, checked again in main.
 */
export function EnrollmentForm({
  initialUserId,
  passwordMinLength,
  onSubmit,
  onBack,
  progress,
}: {
  readonly initialUserId: string;
  readonly passwordMinLength: number;
  readonly onSubmit: (userId: string, enrollmentCode: string, password: string) => Promise<string | null>;
  readonly onBack: () => void;
  readonly progress: SignInProgress | null;
}) {
  const [userId, setUserId] = useState(initialUserId);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<'fields' | 'password' | null>(null);
  const errorId = useId();
  const ruleId = useId();
  const pending = useRef(false);

  function refuse(what: 'fields' | 'password', message: string) {
    setInvalid(what);
    setError(message);
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (pending.current) return;
    if (userId.trim() === '' || code.trim() === '' || password === '')
      return refuse('fields', 'Enter your user ID, the enrollment code and a new password.');
    if (!passwordLongEnough(password, passwordMinLength))
      return refuse('password', `Choose a password of at least ${String(passwordMinLength)} characters.`);
    if (password !== repeat) return refuse('password', 'The two passwords are not the same. Type them again.');
    setBusy(true);
    setInvalid(null);
    setError(null);
    const sent = password;
    setPassword('');
    setRepeat('');
    pending.current = true;
    const failure = await onSubmit(userId, code, sent);
    pending.current = false;
    setBusy(false);
    setError(failure);
  }

  return (
    <section className="card sign-in enroll-card" aria-labelledby="enroll-heading">
      <h1 id="enroll-heading">First sign-in</h1>
      <p className="hint">
        Enter the one-time code the IT service desk gave you and choose your own password. Nobody at IT will ever know
        it.
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate aria-describedby={error ? errorId : undefined}>
        <div className="field">
          <label htmlFor="enroll-user-id">User ID</label>
          <input
            id="enroll-user-id"
            name="userId"
            autoFocus
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={64}
            value={userId}
            onChange={(event) => setUserId(event.target.value)}
            aria-invalid={invalid === 'fields'}
          />
        </div>
        <div className="field">
          <label htmlFor="enroll-code">Enrollment code</label>
          <input
            id="enroll-code"
            name="enrollmentCode"
            className="enrollment-code-input"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={40}
            placeholder="XXXX-XXXX-XXXX-XXXX-XXXX"
            value={code}
            onChange={(event) => setCode(event.target.value)}
            aria-invalid={invalid === 'fields'}
          />
        </div>
        <div className="field-pair">
          <div className="field">
            <label htmlFor="enroll-password">New password</label>
            <input
              id="enroll-password"
              name="password"
              type="password"
              autoComplete="new-password"
              maxLength={1024}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-describedby={ruleId}
              aria-invalid={invalid !== null}
            />
          </div>
          <div className="field">
            <label htmlFor="enroll-repeat">New password again</label>
            <input
              id="enroll-repeat"
              name="repeat"
              type="password"
              autoComplete="new-password"
              maxLength={1024}
              value={repeat}
              onChange={(event) => setRepeat(event.target.value)}
              aria-invalid={invalid === 'password'}
            />
          </div>
        </div>
        <p id={ruleId} className="field-hint">
          At least {passwordMinLength} characters. A few unrelated words are easy to remember and hard to guess.
        </p>
        <ErrorAlert id={errorId} message={error} />
        <button type="submit" className="button button-primary button-wide" disabled={busy} aria-busy={busy}>
          {busy ? 'Setting up…' : 'Set password and continue'}
        </button>
        <SignInProgressNote step={busy ? progress : null} secret="password" />
      </form>
      <button type="button" className="button button-link" onClick={onBack}>
        Back to sign-in
      </button>
    </section>
  );
}
